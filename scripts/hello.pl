#!/usr/bin/perl
# hello.pl -- minimal Perl CGI (core only), the Perl twin of hello.sh.
# Demonstrates: the cheapest Perl script the persistent runner can serve; its
# body is byte-for-byte the same as the peer lab's hello.pl so the two
# gateways can be compared: "hello from perl" then "query=<QUERY_STRING>".
use strict;
use warnings;
my $qs = defined $ENV{QUERY_STRING} ? $ENV{QUERY_STRING} : '';
print "Content-Type: text/plain\r\n\r\n";
print "hello from perl\nquery=$qs\n";
