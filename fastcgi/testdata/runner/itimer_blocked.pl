#!/usr/bin/perl
# The first request arms a CPU-time guard (ITIMER_VIRTUAL, ITIMER_PROF)
# while it blocks the guard's signals, and outruns it: SIGVTALRM and
# SIGPROF are still pending when it ends, and a CGI process's exit loses
# them. The later requests block nothing.
use POSIX qw(sigprocmask SIG_BLOCK SIGVTALRM SIGPROF);
use Time::HiRes qw(setitimer ITIMER_VIRTUAL ITIMER_PROF);
print "Content-Type: text/plain\n\n";
if ($ENV{QUERY_STRING} eq '0') {
    sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGVTALRM, SIGPROF)) or die "sigprocmask: $!";
    setitimer($_, 0.01) for ITIMER_VIRTUAL, ITIMER_PROF;
    # Until both are pending (times() and the timers count CPU time
    # apart: a fixed 0.05 s of times() was not always past 0.01 s of the
    # timers' on a loaded machine), 2 s of CPU at most.
    my $end = (times)[0] + 2;
    my $pending = POSIX::SigSet->new;
    my $x = 0;
    while ((times)[0] < $end) {
        $x += sqrt($_) for 1 .. 1000;
        POSIX::sigpending($pending);
        last if $pending->ismember(SIGVTALRM) && $pending->ismember(SIGPROF);
    }
    print "pending: ", join(' ', map { $pending->ismember($_) ? 'yes' : 'no' } SIGVTALRM, SIGPROF), "\n";
}
print "done\n";
