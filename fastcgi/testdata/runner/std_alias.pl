#!/usr/bin/perl
# A glob assignment to a standard handle (STDERR made STDOUT, as scripts do
# to see their errors in the page) holds for the request only.
print "Content-type: text/plain\n\n";
*STDERR = *STDOUT;
print STDERR "to stderr, now stdout\n";
warn "a warning in the page\n";
print "ok\n";
