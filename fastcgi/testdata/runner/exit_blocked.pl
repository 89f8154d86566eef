#!/usr/bin/perl
# exit from a __DIE__ handler while the script blocks every signal: the
# request ends there, and the worker lives on to serve the next one
# (?unblock: the script unblocks them after an eval that caught the exit).
use POSIX ();
$SIG{__DIE__} = sub { print "Content-Type: text/plain\n\nerror: $_[0]"; exit 0 };
my ($all, $old) = (POSIX::SigSet->new, POSIX::SigSet->new);
$all->fillset;
POSIX::sigprocmask(POSIX::SIG_BLOCK(), $all, $old);
if ($ENV{QUERY_STRING} eq 'unblock') {
    eval { die "disk full\n" };
    POSIX::sigprocmask(POSIX::SIG_SETMASK(), $old);
    print "never\n";
}
die "disk full\n";
