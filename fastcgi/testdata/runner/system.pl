#!/usr/bin/perl
# system() and a piped open write to the response through fd 1, in order
# with perl's own (flushed) output.
print "Content-Type: text/plain\n\n";
print "before\n";
system("echo from system");
print "status=$?\n";
open(my $p, '|-', 'tr a-z A-Z') or die "pipe: $!";
print $p "shouted\n";
close $p;
print "after\n";
