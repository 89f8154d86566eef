#!/usr/bin/perl
# A global holding a code ref: not plain data, auto switches to perlrun.
our $cb;
print "Content-Type: text/plain\n\n";
print defined $cb ? "old\n" : "new\n";
$cb = sub { return "called $_[0]" };
print $cb->(1), "\n";
