#!/usr/bin/perl
# eval_die.pl: die messages name the script's file and line.
use strict;
use warnings;

eval { die "oops" };
my $err = $@;
print "Content-Type: text/plain\n\n";
print "caught: $err";
print "file ", __FILE__, " line ", __LINE__, "\n";
print "0 is $0\n";
print "caller ", join(',', map { $_ // '' } (caller(0))[0 .. 2]), "\n";
