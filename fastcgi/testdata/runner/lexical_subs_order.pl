#!/usr/bin/perl
# Eight named subs, each capturing a file-scope lexical of its own: auto
# names the first in the file (zeta's), in every worker, not the first a
# symbol table's hash order gives.
use strict;
my ($z, $y, $x, $w, $v, $u, $t, $s) = (1 .. 8);
sub zeta    { $z }
sub ypsilon { $y }
sub xi      { $x }
sub omega   { $w }
sub nu      { $v }
sub mu      { $u }
sub tau     { $t }
sub alpha   { $s }
print "Content-Type: text/plain\n\n";
print join(",", zeta(), ypsilon(), xi(), omega(), nu(), mu(), tau(), alpha()), "\n";
