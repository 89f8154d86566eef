#!/usr/bin/perl -w
# A -w script with `use diagnostics` (a 1990s CGI's way to debug) and a
# warning: diagnostics' handler chains to the one it found at its import.
use diagnostics;
my $name;                                   # a form field that was not sent
print "Content-type: text/plain\n\n";
print "Hello, " . $name . "\n";             # "Use of uninitialized value"
warn "a note of the script's own\n";        # no perldiag entry: printed each time
