#!/usr/bin/perl -w
# A script with a data section starts with $. undef, as in a new process
# (no handle read yet: under -w its use warns), then counts DATA's lines.
print "Content-Type: text/plain\n\n";
print "\$. at start: ", (defined $. ? $. : 'undef'), "\n";
print "line $.\n";
my $first = <DATA>;
print "after one line: $. at ", tell(DATA) > 0 ? "a position" : "0", "\n";
__DATA__
one
two
