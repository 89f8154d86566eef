#!/usr/bin/perl
# fatal_warnings.pl: FATAL warnings and a named sub using a file-scope
# lexical, which a script file never hears about ("will not stay shared").
use strict;
use warnings FATAL => 'all';
my $calls = 0;
sub called { return ++$calls }
print "Content-Type: text/plain\n\n";
print "calls ", called(), " ", called(), "\n";
