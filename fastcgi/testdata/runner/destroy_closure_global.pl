#!/usr/bin/perl
# An object that only a closure in a package variable holds is destroyed
# at the end of the request, DESTROY output in the answer, from the first
# request on.
package Session;
sub new { bless { id => $_[1] }, $_[0] }
sub DESTROY { print "session $_[0]{id} saved\n" }
package main;
print "Content-type: text/plain\n\n";
my $s = Session->new($ENV{QUERY_STRING});
our $current = sub { $s->{id} };
print "body ", $current->(), "\n";
