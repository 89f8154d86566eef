#!/usr/bin/perl
# Does not compile: perl's messages, then status 255.
print "Content-Type: text/plain\n\n";
my $x = ;
foo(;
