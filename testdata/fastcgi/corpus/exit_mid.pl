#!/usr/bin/perl
# exit_mid.pl: exit in the middle of the script, inside a sub and an eval.
use strict;
use warnings;

print "Content-Type: text/plain\n\n";
print "before\n";
sub finish { eval { print "leaving\n"; exit 0 }; print "eval swallowed exit\n" }
finish() if ($ENV{QUERY_STRING} // '') ne 'stay';
print "after\n";
