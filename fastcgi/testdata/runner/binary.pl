#!/usr/bin/perl
# Every byte value, raw.
binmode STDOUT;
print "Content-Type: application/octet-stream\n\n";
print map { chr } 0 .. 255;
print "\r\n\0end";
