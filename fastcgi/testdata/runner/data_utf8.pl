#!/usr/bin/perl
# DATA reads characters where `use utf8` is in effect at __DATA__, however
# the pragma is written (here after another statement on its line).
use strict; use utf8;
print "Content-type: text/plain\n\n";
my $l = <DATA>; chomp $l;
print "chars=", length($l), "\n";
__DATA__
héllo
