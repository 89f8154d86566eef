#!/usr/bin/perl
# A piped open to a command: the command writes to the response through
# fd 1, in order with perl's own (flushed) output.
print "Content-Type: text/plain\n\n";
print "before\n";
open(my $p, '|-', 'tr a-z A-Z') or die "pipe: $!";
print $p "shouted\n";
close $p;
print "after\n";
