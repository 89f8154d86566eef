#!/usr/bin/perl
# fork: the child's output reaches the response, the child never returns
# into a persistent interpreter, the parent collects it.
$| = 0;
print "Content-Type: text/plain\n\n";
print "parent before\n";
my $pid = fork;
die "fork: $!" unless defined $pid;
if ($pid == 0) {
    print "child says hi\n";
    exit 7;
}
waitpid($pid, 0);
print "child status=", $? >> 8, "\n";
