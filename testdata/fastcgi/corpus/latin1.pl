#!/usr/bin/perl
# latin1.pl: an output layer set by one request must not stay for the next.
use strict;
use warnings;

binmode STDOUT, ':encoding(UTF-8)' if ($ENV{QUERY_STRING} // '') eq 'stay';
print "Content-Type: text/plain\n\n";
print "J\x{f6}rg\n";
