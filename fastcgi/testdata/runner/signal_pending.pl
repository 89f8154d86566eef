#!/usr/bin/perl
# A signal the request blocked and left pending dies with a CGI process's
# exit: a SIGPIPE from a write to a pipe whose reader is gone (blocked so
# that the write fails with EPIPE instead), a USR1 and a HUP the script
# sent itself. The runner discards them before it puts the mask back, and
# the same worker serves the next requests, each starting with nothing
# blocked or pending.
use POSIX qw(sigprocmask SIG_BLOCK SIGPIPE SIGUSR1 SIGHUP);
sub status {
    my %s;
    open my $h, '<', '/proc/self/status' or die "status: $!";
    while (<$h>) { $s{$1} = $2 if /^(SigBlk|SigPnd|ShdPnd):\s*(\S+)/ }
    return "blocked $s{SigBlk}, pending $s{SigPnd} $s{ShdPnd}";
}
print "Content-Type: text/plain\nX-Pid: $$\n\n";
print "start: ", status(), "\n";
my $q = $ENV{QUERY_STRING} || '';
if ($q eq 'pipe0') {
    sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGPIPE)) or die "sigprocmask: $!";
    pipe(my $r, my $w) or die "pipe: $!";
    close $r;
    my $ok = syswrite($w, "data\n");
    print "write: ", (defined $ok ? "ok" : $!{EPIPE} ? "EPIPE" : "failed: $!"), "\n";
} elsif ($q eq 'usr0') {
    sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGUSR1, SIGHUP)) or die "sigprocmask: $!";
    kill USR1 => $$;
    kill HUP => $$;
}
print "end: ", status(), "\n";
