#!/usr/bin/perl
# A `goto` to the end of the page, past a `my` that no code after the
# label uses, and a goto back to retry: neither changes anything for a
# script compiled once, which auto keeps in registry (my_goto.pl is one
# that does).
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
my $tries = 0;
RETRY:
my @steps = ('start');
push @steps, "try $tries";
goto RETRY if ++$tries < 2;
goto DONE if $ENV{QUERY_STRING} % 2;
my %table = (steps => scalar @steps);
print "steps: $table{steps}\n";
DONE:
print "@steps\ndone\n";
