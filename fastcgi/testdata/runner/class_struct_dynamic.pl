#!/usr/bin/perl
# Class::Struct with a class name the script builds at run time: the class
# is the script's (a fresh process has none on every request), though no
# line of the source names it and struct's eval imports carp into it.
use strict;
use warnings;
use Class::Struct;
my $cls = join '', 'Po', 'int', 'X';
struct($cls => { x => '$', y => '$' });
my $p = $cls->new(x => 1, y => $ENV{QUERY_STRING});
print "Content-Type: text/plain\n\n";
print "$cls: ", $p->x, ",", $p->y, "\n";
