#!/usr/bin/perl
# A BEGIN block that loads FindBin and does more (reads %ENV at compile
# time) is not one that only adds to @INC: compiled once, it would keep
# the first request's query.
our %E;
BEGIN { require FindBin and our %E = %ENV; }
print "Content-Type: text/plain\n\n";
print "q=", ($E{QUERY_STRING} // ''), "\n";
