#!/usr/bin/perl
# Ranges with variable ends in list context (grep, map, a slice, a call's
# arguments, an array, inside a closure as scripts/report.pl has them)
# keep no state: auto compiles the script once. (A flip-flop does keep
# state: flipflop.pl.)
use strict;
my @v = map { $_ * 3 } 1 .. 10;
my ($i, $n) = (6, 3);
my $count = sub {
    my ($len) = @_;
    return scalar grep { $v[$_] % 2 } $i - $len + 1 .. $i;
};
my @slice = @v[$i - $n .. $i];
my @list = ($n .. $i);
print "Content-Type: text/plain\n\n";
print "count=", $count->($n), " slice=@slice list=@list sum=", eval { my $s = 0; $s += $_ for map { $_ } $n .. $i; $s }, "\n";
print "q=$ENV{QUERY_STRING}\n";
