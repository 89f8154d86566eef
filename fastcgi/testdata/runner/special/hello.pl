#!/usr/bin/perl
# The smallest useful CGI script, for the benchmark.
use strict;
use warnings;
my $name = $ENV{QUERY_STRING} || 'world';
print "Content-Type: text/plain\n\n";
print "Hello, $name!\n";
