#!/usr/bin/perl
# A # inside a string is no comment: the BEGIN block after it on the same
# line (it reads %ENV at compile time) must be seen.
our %E; my $s = "see #"; BEGIN { our %E = %ENV }
print "Content-Type: text/plain\n\n";
print "q=", ($E{QUERY_STRING} // ''), " $s\n";
