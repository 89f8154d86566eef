#!/usr/bin/perl
# redirect_carry.pl: a local redirect that sets a cookie on the way (the
# classic login page): the final answer keeps Set-Cookie and X-Lost, and the
# target (env.pl, or ?to=NAME) sees REDIRECT_* and the client's REQUEST_URI.
use strict;
use warnings;

my $to = ($ENV{QUERY_STRING} // '') =~ /^to=([\w.]+)$/ ? $1 : 'env.pl?via=carry';
print "Set-Cookie: session=42\r\n";
print "X-Lost: yes\r\n";
print "Content-Type: text/html\r\n";
print "Location: /cgi-bin/$to\r\n\r\n";
print "this body is discarded\n";
