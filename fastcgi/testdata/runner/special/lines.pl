#!/usr/bin/perl
# lines.pl: a report printed line by line with $| set, as many legacy
# scripts do: every print is a flush (BenchmarkRunner_AutoflushLines).
$| = 1;
print "Content-Type: text/plain\n\n";
print "line $_ of the report\n" for 1 .. 10000;
