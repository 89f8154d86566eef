#!/usr/bin/perl
# A `my` that does not run (`my $x = ... if COND` with COND false) leaves
# $x as the last run left it: perl calls that undefined, and a process of
# its own starts with it empty. Only the first request (n0) names
# someone: the later ones must not see the name, nor a list or a count
# grown by the requests before. A `my` in an elsif, used only there, is
# no such case.
use strict;
use warnings;
my $q = $ENV{QUERY_STRING};
my ($name) = $q eq 'n0' ? ('alice') : ();
my $msg = "Hello $name. " if $name;
$msg .= "Please give your name. " unless $name;
my @seen = ('first') if $name;
push @seen, $q;
sub visits { my $n = 0 if $_[0]; return ++$n }
my $v;
$v = visits(0) for 1 .. 2;
my $kind;
if ($q eq 'x') { $kind = 'x' }
elsif (my ($d) = $q =~ /(\d)/) { $kind = "digit $d" }
print "Content-Type: text/plain\n\n$msg\nseen=@seen\nvisits=$v\nkind=$kind\n";
