#!/usr/bin/perl
# destroy_vars.pl: an object in a `use vars` global (perl flags the glob as
# imported, as it does for a module's exported variable) is still the
# script's: destroyed at the end, its DESTROY printing to the response.
use strict;
use vars qw($handle);
package Handle;
sub new { bless { n => $_[1] }, $_[0] }
sub DESTROY { print "handle $_[0]{n} released\n" }
package main;
$handle = Handle->new(length($ENV{QUERY_STRING} || ''));
print "Content-Type: text/plain\n\n";
print "handle $handle->{n} held\n";
