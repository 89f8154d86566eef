#!/usr/bin/perl
# A variable tied to a class with an UNTIE method: a CGI process's exit
# destroys the tie object without calling UNTIE (perl's untie would call
# it); DESTROY sees its own class.
package Store;
sub TIEHASH { return bless { d => {} }, shift }
sub FETCH { $_[0]{d}{$_[1]} }
sub STORE { $_[0]{d}{$_[1]} = $_[2] }
sub UNTIE { print "UNTIE\n" }
sub DESTROY { print "DESTROY ", ref $_[0], " ", join(',', map { "$_=$_[0]{d}{$_}" } sort keys %{ $_[0]{d} }), "\n" }
package main;
tie %store, 'Store';
$store{q} = $ENV{QUERY_STRING};
print "Content-Type: text/plain\n\nstored $store{q}\n";
