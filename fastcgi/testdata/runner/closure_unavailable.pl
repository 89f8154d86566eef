#!/usr/bin/perl
# A string eval in a closure naming a variable the closure did not
# capture: 'Variable "$v" is not available' at run time, as in a script
# file; and one naming a file-scope lexical: nothing.
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
my $file = 'f';
# (#line: the number of an eval is the process's count.)
sub make_getter { my $v = shift; return sub { eval qq{#line 1 "getter"\n\$v} } }
sub file_getter { return sub { eval qq{#line 1 "file_getter"\n\$file} } }
my $g = make_getter(5);
print defined $g->() ? "defined\n" : "undef\n";
print file_getter()->(), "\n";
