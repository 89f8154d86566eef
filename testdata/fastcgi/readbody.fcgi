#!/usr/bin/perl
# readbody.fcgi: a native FastCGI program (FCGI.pm) that reads exactly
# CONTENT_LENGTH bytes of a body, as CGI.pm does, and never the empty
# FCGI_STDIN record that ends it.
use strict;
use warnings;
use FCGI;

my $req = FCGI::Request();
my $n = 0;
while ($req->Accept() >= 0) {
    $n++;
    my $body = '';
    read(STDIN, $body, $ENV{CONTENT_LENGTH}) if $ENV{CONTENT_LENGTH};
    print "Content-Type: text/plain\r\nX-Pid: $$\r\n\r\n";
    print "request $n read ", length($body), "\n";
}
