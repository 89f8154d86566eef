#!/usr/bin/perl
# echo.pl: an FCGI.pm responder for client_test.go; the TEST_MODE param picks
# what a request does. Started with its listening socket as fd 0.
use strict;
use warnings;
use FCGI;
use POSIX ();

my $req = FCGI::Request();
while ($req->Accept() >= 0) {
    my $mode = $ENV{TEST_MODE} // 'env';
    if ($mode eq 'env') {
        print "Content-Type: text/plain\r\nX-Pid: $$\r\n\r\n";
        print "$_=$ENV{$_}\n" for sort keys %ENV;
    } elsif ($mode eq 'stdin') {
        # Read to the end of the FCGI_STDIN stream, not just CONTENT_LENGTH
        # bytes: libfcgi closes a kept connection whose stdin was not read
        # to its end (the stream would be out of sync).
        my $body = '';
        while (read(STDIN, my $chunk, 65536)) {
            $body .= $chunk;
        }
        print "Content-Type: application/octet-stream\r\nX-Pid: $$\r\n\r\n", $body;
    } elsif ($mode eq 'stderr') {
        print STDERR "first line\nsecond line\n";
        print "Content-Type: text/plain\r\n\r\nok\n";
        print STDERR "no newline";
    } elsif ($mode eq 'die') {
        print "Content-Type: text/plain\r\n\r\npartial";
        $req->Flush();
        POSIX::_exit(3);
    }
}
