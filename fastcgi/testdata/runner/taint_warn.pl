#!/usr/bin/perl -t
# -t: taint checks warn instead of dying; ${^TAINT} is -1.
print "Content-Type: text/plain\n\n";
print "taint=${^TAINT}\n";
my $q = $ENV{QUERY_STRING};
open(my $fh, '>', "/dev/null/x$q") or print "open failed: ", ($! ? "errno" : "no errno"), "\n";
print "still running\n";
