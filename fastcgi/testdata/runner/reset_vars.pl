#!/usr/bin/perl
# reset 'x' clears the package variables whose names start with x: what a
# persisted compilation holds, reset changes (auto: perlrun).
our ($xa, $xb) = ("a", "b");
our $y = "y";
print "Content-Type: text/plain\n\n";
reset 'x';
print "xa=", (defined $xa ? $xa : "undef"), " y=$y\n";
