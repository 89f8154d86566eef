#!/usr/bin/perl
# Prints, flushes ($| = 1), sleeps, prints again (C8). QUERY_STRING=sleep=N.
local $| = 1;
print "Content-Type: text/plain\n\n";
print "first\n";
my ($s) = ($ENV{QUERY_STRING} || '') =~ /sleep=(\d+)/;
sleep $s if $s;
print "second\n";
