#!/usr/bin/perl
# A package global that accumulates if the interpreter is reused.
our @seen;
push @seen, 1;
$main::total += 10;
print "Content-Type: text/plain\n\n";
print "seen=", scalar(@seen), " total=$main::total\n";
