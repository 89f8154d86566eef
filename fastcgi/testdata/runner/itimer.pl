#!/usr/bin/perl
# A CPU-time guard (ITIMER_VIRTUAL and ITIMER_PROF, Time::HiRes) that the
# first request arms and that does not fire there: its timers die with a
# CGI process. The later requests burn 0.2 s of CPU, past the guard's
# 0.05 s, with no handler for SIGVTALRM or SIGPROF (the default ends the
# process).
use Time::HiRes qw(setitimer getitimer ITIMER_VIRTUAL ITIMER_PROF);
print "Content-Type: text/plain\n\n";
print "armed at start: ", join(' ', map { (getitimer($_))[0] ? 'yes' : 'no' } ITIMER_VIRTUAL, ITIMER_PROF), "\n";
if ($ENV{QUERY_STRING} eq '0') {
    $SIG{VTALRM} = $SIG{PROF} = sub { print "too slow\n"; exit 0 };
    setitimer($_, 0.05) for ITIMER_VIRTUAL, ITIMER_PROF;
    print "guard armed\n";
} else {
    my $end = (times)[0] + 0.2;
    my $x = 0;
    while ((times)[0] < $end) { $x += sqrt($_) for 1 .. 1000 }
    print "work done\n";
}
