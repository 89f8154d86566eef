#!/usr/bin/perl
# rand works; its value differs between requests (not compared).
print "Content-Type: text/plain\n";
print "X-Ignore-Rand: ", rand(), "\n\n";
srand(42);
my $r = int(rand(1000));
print "seeded=$r\n";
