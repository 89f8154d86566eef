#!/usr/bin/perl
# daemon-warn.pl: the "fork, setsid, carry on" background job, which keeps
# STDERR: it warns after the request has ended, and notes in job.txt how
# it ended (TestCGI_DetachedJobKeepsItsStderr). ?linger: the script itself
# runs a moment longer (its stderr is read as it comes then); ?hold: the
# job keeps its stderr for 30 s after its warning.
use strict;
use POSIX ();
my $q = $ENV{QUERY_STRING} // '';
pipe(my $r, my $w) or die "pipe: $!";
my $pid = fork // die "fork: $!";
if (!$pid) {
    close $r;
    open STDOUT, '>', '/dev/null';
    POSIX::setsid();
    open my $p, '>', 'job.pid';
    print $p "$$\n";
    close $p;
    close $w;    # the script may end now: the job is out of its session
    $SIG{PIPE} = sub { note("killed by SIGPIPE"); POSIX::_exit(1) };
    select(undef, undef, undef, 1.5);
    warn "background job: step 1 done\n";
    sleep 30 if $q eq 'hold';
    note("finished");
    POSIX::_exit(0);
}
close $w;
<$r>;
select(undef, undef, undef, 0.3) if $q eq 'linger';
print "Content-Type: text/plain\n\nstarted\n";

sub note {
    open my $f, '>>', 'job.txt';
    print $f "$_[0]\n";
    close $f;
}
