#!/usr/bin/perl
# A wide character without a layer: perl warns and writes UTF-8.
print "Content-Type: text/plain\n\n";
print "wide \x{263A}\n";
printf "%s\n", "x" x 3;
