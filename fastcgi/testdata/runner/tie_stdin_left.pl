#!/usr/bin/perl
# STDIN tied to a class of the script (a canned body for a test) and
# never untied: a CGI process's exit destroys the tie object without
# calling its UNTIE, and its DESTROY's line reaches the log of this
# request.
package Feed;
sub TIEHANDLE { bless { n => 0 }, shift }
sub READLINE { my $s = shift; $s->{n}++ ? undef : "name=canned\n" }
sub UNTIE { print STDERR "UNTIE called\n" }
sub DESTROY { print STDERR "feed destroyed after $_[0]{n} reads\n" }
package main;
tie *STDIN, 'Feed';
my $body = <STDIN>;
print "Content-Type: text/plain\n\nbody $body";
