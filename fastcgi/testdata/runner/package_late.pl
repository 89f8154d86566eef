#!/usr/bin/perl
# package_late.pl: the third request creates a package, after two that
# created none: the runner's "no package made" check, cheap once the
# script's packages stay the same, must still see it (auto leaves registry).
use strict;
use warnings;

print "Content-Type: text/plain\r\n\r\n";
my ($n) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
if (defined $n && $n >= 2) {
    eval 'package Late; our $seen = 1; 1' or die $@;
}
print "package Late: ", (exists $main::{'Late::'} ? "exists" : "absent"), "\n";
