#!/usr/bin/perl
# data.pl: reads its __DATA__ section.
use strict;
use warnings;

print "Content-Type: text/plain\n\n";
my $n = 0;
while (my $line = <DATA>) {
    $n++;
    print "$n: $line";
}
print "lines $n\n";
__DATA__
first data line
second data line
third data line
