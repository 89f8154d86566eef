#!/usr/bin/perl
# A package hash filled from the query: a fresh process sees one key only.
use strict;
use warnings;
our %seen;
$seen{ $ENV{QUERY_STRING} }++;
print "Content-Type: text/plain\n\n";
print "$_=$seen{$_}\n" for sort keys %seen;
print "keys=", scalar(keys %seen), "\n";
