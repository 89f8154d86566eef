#!/usr/bin/perl
# A Moo class declared in the script (testdata/site_perl/Moo.pm stands
# in): Moo notes the classes it made by name. perlrun deletes the class
# after each request; the next compilation's `use Moo` must make it
# again, not find it noted (no @ISA, no new: a 502 from the second
# request on). The file-scope lexical in a named sub makes auto perlrun.
package Visitor;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Moo;
has name => (default => sub { 'guest' });
my $made = 0;
sub made { ++$made }
package main;
my $v = Visitor->new;
print "Content-Type: text/plain\n\nvisitor ", $v->name, " made ", Visitor::made(), "\n";
