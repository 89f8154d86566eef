#!/usr/bin/perl
# exit where no loop label can be reached (inside a sort block).
print "Content-Type: text/plain\n\nsorting\n";
my @x = sort { exit 6; $a <=> $b } (2, 1);
print "never\n";
