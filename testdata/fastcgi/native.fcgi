#!/usr/bin/perl
# native.fcgi: a native FastCGI program (FCGI.pm, Debian libfcgi-perl): it
# counts the requests its process served.
use strict;
use warnings;
use FCGI;

my $req = FCGI::Request();
my $n = 0;
while ($req->Accept() >= 0) {
    $n++;
    print "Content-Type: text/plain\r\nX-Pid: $$\r\n\r\n";
    print "native request $n\n";
}
