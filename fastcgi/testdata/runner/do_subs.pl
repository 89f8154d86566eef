#!/usr/bin/perl
# do FILE of a library that defines a sub: the sub changes at run time, so
# auto leaves registry after the first request; every answer is a new
# process's.
use FindBin;
do "$FindBin::Bin/lib/dosubs.pl" or die "dosubs.pl: ", $@ || $!;
print "Content-Type: text/plain\n\n";
print helper(), " loads=$dosubs_loads\n";
