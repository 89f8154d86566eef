#!/usr/bin/perl
# die_after.pl: dies once the header and part of the body are out.
use strict;
use warnings;

print "Content-Type: text/plain\n\n";
print "partial output\n";
die "boom at request\n";
