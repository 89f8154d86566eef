#!/usr/bin/perl
# diamond.pl: `<>` reads the request body (STDIN, @ARGV being empty) in
# every request; the worker must survive it (ARGV and ARGVOUT are perl's).
my @lines = <>;
my $bytes = 0;
$bytes += length for @lines;
print "Content-Type: text/plain\n\n";
print "lines ", scalar(@lines), ", bytes $bytes, ARGV $ARGV\n";
print "tail ", substr($lines[-1], -12), "\n" if @lines;
