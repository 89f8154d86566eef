#!/usr/bin/perl
# argv.pl: $0 and @ARGV (the query never becomes argv: CVE-2012-1823).
use strict;
use warnings;

print "Content-Type: text/plain\n\n";
my $name = $0;
$name =~ s{.*/}{};
print "0=$name\n";
print "argc=", scalar(@ARGV), "\n";
print "argv=[$_]\n" for @ARGV;
