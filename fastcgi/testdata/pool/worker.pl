#!/usr/bin/perl
# worker.pl: a FCGI.pm worker for the pool tests. It answers with its pid and
# a request counter; the query string makes it misbehave:
#   sleep=SECS   sleep before answering
#   die=1        print part of the answer, then exit mid-request
#   fail=1       die before any output (FCGI.pm ends the request, empty, as
#                the process exits with 255)
#   stderr=TEXT  write TEXT to FCGI_STDERR
#   echo=1       echo the request body as "body=..."
#   linger=SECS  after answering, keep the connection SECS, then exit
#                (like php-cgi after PHP_FCGI_MAX_REQUESTS)
#   pieces=N     then N lines "piece K", each flushed 30 ms after the last
use strict;
use warnings;
use FCGI;
use POSIX ();

my $req = FCGI::Request();
my $count = 0;
while ($req->Accept() >= 0) {
    $count++;
    my %q;
    for my $kv (split /&/, $ENV{QUERY_STRING} // '') {
        my ($k, $v) = split /=/, $kv, 2;
        $q{$k} = $v // '';
    }
    print STDERR "$q{stderr}\n" if defined $q{stderr};
    select(undef, undef, undef, $q{sleep}) if $q{sleep};
    die "worker.pl: cannot reach the database\n" if $q{fail};
    print "Content-Type: text/plain\r\nX-Pid: $$\r\nX-Count: $count\r\n\r\n";
    if ($q{die}) {
        print "partial\n";
        $req->Flush;
        POSIX::_exit(3);
    }
    print "pid=$$ count=$count\n";
    for my $k (1 .. ($q{pieces} // 0)) {
        $req->Flush;
        select(undef, undef, undef, 0.03);
        print "piece $k\n";
    }
    if ($q{echo}) {
        local $/;
        my $body = <STDIN> // '';
        print "body=$body\n";
    }
    if ($q{linger}) {
        $req->Finish;
        select(undef, undef, undef, $q{linger});
        CORE::exit(0);
    }
}
