#!/usr/bin/perl
# Reads $SIG{TERM} (so SIGTERM is its own while it runs), then sleeps.
$| = 1;
print "Content-Type: text/plain\n\nTERM=", (defined $SIG{TERM} ? 'set' : 'undef'), "\n";
sleep 2;
print "second\n";
