#!/usr/bin/perl
# stale_module_var.pl: a module whose import makes a new hash for the
# script each time it is imported (perlrun compiles, so imports, per
# request) frees the last one, and a global of the script can then live
# at its address. The script's thirty globals, which a module holds too,
# each hold an object: all are destroyed as the script ends, a dot each,
# however the addresses fall.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::Dot;
use Menshen::Holder;
use Menshen::Fresh;
use vars map { "\$o$_" } 1 .. 30;
our %reg;
print "Content-Type: text/plain\n\n";
{
    no strict 'refs';
    ${"o$_"} = Menshen::Dot->new for 1 .. 30;
    Menshen::Holder::keep(map { \${"o$_"} } 1 .. 30);
}
print "reg=", join(',', sort keys %reg), "\n";
