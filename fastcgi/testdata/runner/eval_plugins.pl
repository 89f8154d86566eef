#!/usr/bin/perl
# Three kinds of package: a plugin a loader module evaluates for the
# script (the script's: its users' data fresh for every request), a class
# a module's top-level eval builds (the module's: kept, or the next
# request cannot call it), and a class the script declares on a module's
# accessor maker (the script's: its `our` counter fresh every request).
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::Loader;
use Menshen::TopEval;
package Rec;
use parent -norequire, 'Menshen::Accessors';
BEGIN { require Menshen::Accessors }
Rec->mk_accessors(qw(name n));
our $count;
sub bump { $count++; $_[0]->n($count) }
package main;
Menshen::Loader::load("$FindBin::Bin/plugins/counter.plx");
my $q = $ENV{QUERY_STRING};
our $keep = Menshen::TopEval::make("g");
my $r = Rec->new({name => "r$q"});
$r->bump;
print "Content-Type: text/plain\n\n";
print "seen=", Plug::add("u$q"), " ", Menshen::TopEval::make($q)->show, " ", $r->name, " n=", $r->n, "\n";
