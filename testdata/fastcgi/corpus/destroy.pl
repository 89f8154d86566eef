#!/usr/bin/perl
# destroy.pl: an object in a package global is destroyed at the end, after
# the END blocks, and its DESTROY still prints to the response.
package Session;
sub new { bless { id => $_[1] }, $_[0] }
sub DESTROY { print "session $_[0]{id} closed\n" }
package main;
our $session = Session->new(length($ENV{QUERY_STRING} || ''));
print "Content-Type: text/plain\n\n";
print "session $session->{id} open\n";
END { print "END\n" }
