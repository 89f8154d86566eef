#!/usr/bin/perl
# ?fork starts a child that writes to fd 1 after its request has ended;
# ?background starts a shell job that does (system returns at once); the
# next request reaps the child.
use POSIX ();
print "Content-Type: text/plain\n\n";
if ($ENV{QUERY_STRING} eq 'fork') {
    my $pid = fork;
    if (defined $pid && $pid == 0) {
        select(undef, undef, undef, 0.1);
        my $late = "late output from the child\n";
        POSIX::write(1, $late, length $late);
        POSIX::_exit(0);
    }
    print "started a child\n";
} elsif ($ENV{QUERY_STRING} eq 'background') {
    system("(sleep 0.1; echo late output from a background job) &");
    print "started a background job\n";
} else {
    1 while waitpid(-1, POSIX::WNOHANG()) > 0;
    print "no child\n";
}
