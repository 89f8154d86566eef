#!/usr/bin/perl
# counter.pl: a package global counter; a fresh process always says 1.
our $count;
our @seen;
$count++;
push @seen, $ENV{QUERY_STRING};
print "Content-Type: text/plain\n\n";
print "count $count\n";
print "seen @seen\n";
