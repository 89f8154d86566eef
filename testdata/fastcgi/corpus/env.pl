#!/usr/bin/perl
# env.pl: the whole environment, sorted.
use strict;
use warnings;

print "Content-Type: text/plain\n\n";
print "$_=$ENV{$_}\n" for sort keys %ENV;
