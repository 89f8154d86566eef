#!/usr/bin/perl
# A legacy page whose type variable is undefined: it prints an empty
# Content-Type line. Apache serves it, with no Content-Type.
my $type;
{ no warnings; print "Content-type: $type\n\n"; }
print "<p>untyped</p>\n";
