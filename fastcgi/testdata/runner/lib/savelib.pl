# A "safe save" library for sigmask_lib.pl: a save must not be cut in half
# by a Ctrl-C, a TERM or a closed pipe, so it blocks them, for good.
use POSIX ();
POSIX::sigprocmask(POSIX::SIG_BLOCK(), POSIX::SigSet->new(POSIX::SIGPIPE(), POSIX::SIGINT(), POSIX::SIGTERM()))
    or die "sigprocmask: $!";
1;
