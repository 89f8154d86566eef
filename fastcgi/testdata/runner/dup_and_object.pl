#!/usr/bin/perl
# A dup of STDOUT and an object in package variables end as in a process's
# exit, in that order: the dup's text, then the object's DESTROY output.
package O;
sub new { bless { q => $_[1] }, $_[0] }
sub DESTROY { print "destroy $_[0]{q}\n" }
package main;
our $OUT;
open($OUT, '>&', \*STDOUT) or die "dup: $!";
our $obj = O->new($ENV{QUERY_STRING});
print "Content-Type: text/plain\n\n";
print $OUT "dup\n";
print "main\n";
