#!/usr/bin/perl
# spelled.pl: header fields in no particular order, in their own spellings
# (see README.md).
use strict;
use warnings;

print "X-Zeta: z\r\n";
print qq{ETag: "abc"\r\n};
print "x-lower-case: yes\r\n";
print "Content-type: text/plain\r\n";
print qq{WWW-Authenticate: Basic realm="menshen"\r\n};
print "X-Multi: one\r\n";
print "Set-Cookie: a=1\r\n";
print "last-modified: Wed, 01 Jan 2025 00:00:00 GMT\r\n";
print "X-MULTI: two\r\n";
print "cache-control: no-cache\r\n";
print "\r\n";
print "spelled\n";
