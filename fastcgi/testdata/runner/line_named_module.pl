#!/usr/bin/perl
# A module that compiles code under a #line file name holding "::"
# (DateTime loads Specio, which does so through Eval::Closure) leaves a
# main:: glob whose own name has "::" in it: compiled once, the script
# must still be served (it was a 502 and a dead worker every request).
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::LineNamed;
my $q = $ENV{QUERY_STRING};
print "Content-Type: text/plain\n\n";
print "$q: ", Menshen::LineNamed::is_thing($q), "\n";
