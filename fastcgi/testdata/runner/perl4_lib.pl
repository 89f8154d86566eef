#!/usr/bin/perl
# perl4_lib.pl: the package variables of a required Perl 4 library (its
# package has no sub of its own, and the script never names it) start
# empty in every request, as in a new process.
require "./lib/hits.pl";
print "Content-Type: text/plain\n\n";
print "hits: ", &hit($ENV{QUERY_STRING}), "\n";
print "hits: ", &hit('again'), "\n";
