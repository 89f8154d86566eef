#!/usr/bin/perl
# Prints its whole environment, NUL separated, sorted.
print map { "$_=$ENV{$_}\0" } sort keys %ENV;
