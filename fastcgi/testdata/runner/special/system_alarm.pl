#!/usr/bin/perl
# An alarm handler dies out of system() while the program runs: the
# script goes on (the program too, writing into the answer until the
# script's end), and the next system() works. ?quick skips the alarm.
$| = 1;
print "Content-Type: text/plain\n\n";
if (($ENV{QUERY_STRING} // '') ne 'quick') {
    eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm 1;
        system("echo started; sleep 0.2; echo still running; sleep 5; echo finished");
        alarm 0;
    };
    print "caught: $@";
}
my $rc = system("echo again");
print "rc=$rc\n";
