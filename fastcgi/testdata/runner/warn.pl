#!/usr/bin/perl -w
# -w on the shebang: the uninitialized value is warned about on stderr.
my $x;
print "Content-Type: text/plain\n\n";
print "value=" . $x . "\n";
print "W=$^W\n";
