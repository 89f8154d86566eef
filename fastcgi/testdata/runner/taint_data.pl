#!/usr/bin/perl -T
# Under -T, lines read from the script's own DATA section are not tainted,
# as perl trusts the program file (the runner once gave tainted ones).
use Scalar::Util qw(tainted);
print "Content-Type: text/plain\n\n";
my $l = <DATA>; print "DATA line tainted: ", (tainted($l)?1:0), " $l";
local $/; my $rest = <DATA>; print "rest tainted: ", (tainted($rest)?1:0), "\n";
__DATA__
hello
world
