#!/usr/bin/perl
# FATAL warnings: a named sub in an anonymous sub using its lexical is a
# compile error ('Variable "$x" is not available'), as in a script file.
use warnings FATAL => "all";
print "Content-Type: text/plain\n\nok\n";
my $f = sub { my $x; sub named { $x } };
