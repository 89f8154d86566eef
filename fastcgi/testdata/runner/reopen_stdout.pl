#!/usr/bin/perl
# ?0 reopens STDOUT (to /dev/null): the client gets nothing more, as under
# CGI. Perl keeps the layers of a reopened STD handle as its input side and
# writes through a new output side; the next request must still get a
# STDOUT as new: tell() counts its bytes, $| streams through it.
my $step = $ENV{QUERY_STRING} || 0;
$| = 1;
print "Content-Type: text/plain\n\n";
if ($step == 0) {
    open(STDOUT, '>', '/dev/null') or die "reopen: $!";
    print "lost\n";
    exit 0;
}
print "step $step: tell=", tell(STDOUT), "\n";
