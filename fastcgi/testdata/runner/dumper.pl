#!/usr/bin/perl
# A module global set by the script ($Data::Dumper::Indent) must not leak.
use Data::Dumper;
$Data::Dumper::Sortkeys = 1;
print "Content-Type: text/plain\n\n";
print Dumper({ b => [1, 2], a => 1 });
$Data::Dumper::Indent = 1;
$Data::Dumper::Terse = 1;
print Dumper({ b => [1, 2], a => 1 });
