#!/usr/bin/perl
# GD::Graph::colour keeps its colour names in a file lexical (%RGB of
# GD/Graph/colour.pm): a colour one request adds (a user's theme) must
# not be known to the next.
use GD::Graph::colour qw(:colours);
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
add_colour(brand => [0x12, 0x34, 0x56]) if $n == 0;
print "Content-Type: text/plain\n\n";
print "brand: ", (_rgb('brand') ? join(',', _rgb('brand')) : 'unknown'), "\n";
