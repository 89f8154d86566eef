#!/usr/bin/perl
# perl4_do.pl: a file run with `do` keeps its state in a package that has
# no sub and that the script never names: a new process starts with that
# package empty. (auto: registry for the first request, which then sees
# the package made at run time, and perlrun from the next one.)
print "Content-Type: text/plain\n\n";
my $r = do "./lib/tally.pl";
print "tally: $r\n";
