#!/usr/bin/perl
# binary.pl: every byte value, raw, with NULs, CRs and LFs.
use strict;
use warnings;

binmode STDOUT;
print "Content-Type: application/octet-stream\r\n\r\n";
print join('', map { chr } 0 .. 255) x 64;
print "\r\n\0\n";
