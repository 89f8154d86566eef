#!/usr/bin/perl
# A tie object that is a locked hash (read-only to bless: Hash::Util), whose
# class inherits an UNTIE: a CGI process's exit destroys it without calling
# UNTIE, and the script's package gets no new name from the untie.
use Hash::Util ();
package Base;
sub UNTIE { print "UNTIE base\n" }
package Locked;
our @ISA = ('Base');
sub TIESCALAR { my $s = bless { v => $_[1] }, $_[0]; Hash::Util::lock_keys(%$s); return $s }
sub FETCH { $_[0]{v} }
sub STORE { $_[0]{v} = $_[1] }
sub DESTROY { print "DESTROY ", ref $_[0], " $_[0]{v}\n" }
package main;
tie $locked, 'Locked', $ENV{QUERY_STRING};
print "Content-Type: text/plain\n\nlocked $locked ", (defined &Locked::UNTIE ? 'own UNTIE' : 'no own UNTIE'), "\n";
