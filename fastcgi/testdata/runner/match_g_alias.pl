#!/usr/bin/perl
# A //g match in scalar context on an alias of a constant: a sub's $_[0]
# called with a literal, the variable of a foreach over literals or over a
# constant's array, $_ of a grep, a reference to a literal. Each leaves its
# pos() on the constant; in a new process every request starts at 0, so
# auto compiles this script per request.
use strict;
use warnings;
use constant LANGS => [qw(en de)];
sub has_comma { return $_[0] =~ /,/g ? "yes" : "no" }
print "Content-Type: text/plain\n\n";
print "sub argument: ", has_comma("a,b"), "\n";
for my $x ("a-b") { print "foreach: ", ($x =~ /-/g ? "yes" : "no"), "\n" }
for my $l (@{+LANGS}) { print "constant's array: $l ", ($l =~ /e/g ? "yes" : "no"), "\n" }
my @n = grep { /b/g } ("ab", "bb", "cb");
print "grep: ", scalar(@n), "\n";
my $r = \"abab";
print "reference: ", ($$r =~ /b/g ? "yes" : "no"), "\n";
