#!/usr/bin/perl
# specials.pl: prints with every default first, then changes what a
# persistent interpreter must reset: $, $\ $" $/ select, %SIG, umask.
use strict;
use warnings;

warn "a warning goes to stderr, never to the client\n";
my @list = (1, 2, 3);
print "Content-Type: text/plain\n\n";
print "defaults: ", "a", "b", "@list", "\n";
printf "umask %04o\n", umask;
my $line = <DATA>;
print "record: $line";

$, = "-";
$\ = "!\n";
$" = ":";
$/ = "\n\n";
print "changed", "@list";
$SIG{__WARN__} = sub { print STDOUT "caught: @_" };
umask 077;
select STDERR;
$| = 1;
__DATA__
data one
data two
