#!/usr/bin/perl
# A constant's string value that a request uses as a number: perl caches
# the number in it, and JSON::PP then writes it as one; a new process
# writes the string on every request, so auto switches this script to
# perlrun after its first request.
use strict;
use warnings;
use JSON::PP ();
use constant DEFAULTS => { limit => "10", name => "list" };
print "Content-Type: text/plain\n\n";
print JSON::PP->new->canonical->encode(DEFAULTS), "\n";
print "more than 5\n" if DEFAULTS->{limit} > 5;
