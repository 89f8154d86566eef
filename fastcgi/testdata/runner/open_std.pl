#!/usr/bin/perl
# use open qw(:std :utf8) sets layers at compile time: every request's
# fresh STDOUT has them. A failing exec warns and returns false.
use strict;
use warnings;
use open qw(:std :utf8);
print "Content-Type: text/plain; charset=utf-8\n\n";
exec("/nonexistent/program") or print "exec failed: $!\n";
print "caf\x{e9} \x{263a}\n";
