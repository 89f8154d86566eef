#!/usr/bin/perl
# use warnings FATAL => 'all' and a named sub using a file-scope lexical:
# a script file never hears "will not stay shared" (the runner's wrapper
# sub must not make it a compile error).
use strict;
use warnings FATAL => 'all';
my $counter = 0;
my $who = $ENV{QUERY_STRING} || 'anon';
sub greet { $counter++; return "hello $who #$counter" }
print "Content-Type: text/plain\n\n";
print greet(), "\n";
print greet(), "\n";
