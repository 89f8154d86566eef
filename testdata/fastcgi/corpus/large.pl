#!/usr/bin/perl
# large.pl: 1 MiB of output in lines of 64 bytes.
use strict;
use warnings;

print "Content-Type: text/plain\n\n";
for my $i (0 .. 16383) {
    printf "%08d %054s\n", $i, 'x' x 54;
}
