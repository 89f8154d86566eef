#!/usr/bin/perl
# m?? inside an anonymous sub: every clone of the sub shares its ops, and
# so the "used" flag; a new process starts with it clear.
my $first = sub { $_[0] =~ m?^x? ? "first" : "later" };
print "Content-Type: text/plain\n\n";
print join(",", map { $first->($_) } qw(x1 x2 x3)), "\n";
