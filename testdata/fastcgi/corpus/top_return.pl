#!/usr/bin/perl
# top_return.pl: a `return` at a script's top level is a run-time error
# ("Can't return outside a subroutine"): here once the header is out.
print "Content-Type: text/plain\n\n";
print "before\n";
return if $ENV{QUERY_STRING} eq 'stay';
print "after\n";
END { print "status $?\n" }
