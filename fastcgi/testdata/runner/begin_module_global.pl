#!/usr/bin/perl
# A module's setting that one request's BEGIN makes (query 1: unindented
# dumps) is that request's: the next compilation starts from the module's
# own value, not from what the last one left.
BEGIN { $Data::Dumper::Indent = 0 if $ENV{QUERY_STRING} eq '1' }
use Data::Dumper;
$Data::Dumper::Sortkeys = 1;
print "Content-Type: text/plain\n\n";
print Dumper({ user => "u$ENV{QUERY_STRING}", roles => [qw(a b)] });
