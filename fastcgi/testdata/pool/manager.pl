#!/usr/bin/perl
# manager.pl: a process manager in the way of FCGI::ProcManager or plackup
# -s FCGI: it forks two children that accept on the listening socket (fd 0)
# and end after two requests each (their max_requests); the manager forks a
# new one for each that ends. The kept connection a child held closes with it.
# ?sleep=SECS: a child sleeps that long before it answers.
# ?crash=FILE: a child appends a line to FILE, then dies (SIGKILL) before it
# answers, as a child that segfaults while it runs a request.
use strict;
use warnings;
use FCGI;
use POSIX ();

my %kids;
$SIG{TERM} = sub { kill 'TERM', keys %kids; exit 0 };

sub spawn {
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        $SIG{TERM} = 'DEFAULT';
        my $req = FCGI::Request();
        for my $n (1 .. 2) {
            last if $req->Accept() < 0;
            select(undef, undef, undef, $1) if ($ENV{QUERY_STRING} // '') =~ /sleep=([\d.]+)/;
            if (($ENV{QUERY_STRING} // '') =~ /crash=([^&]+)/) {
                open(my $f, '>>', $1) or die "$1: $!";
                print $f "ran\n";
                close $f;
                kill 'KILL', $$;
            }
            print "Content-Type: text/plain\r\nX-Pid: " . getppid() . "\r\n\r\nchild=$$ n=$n\n";
            $req->Finish;
        }
        POSIX::_exit(0);
    }
    $kids{$pid} = 1;
}

spawn() for 1 .. 2;
while ((my $pid = wait) > 0) {
    delete $kids{$pid};
    spawn();
}
