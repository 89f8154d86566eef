#!/usr/bin/perl -tw
# -t: each refused operation warns instead, at the script's line, every
# warning perl gives (system's two: the runner's own system under taint
# checks once named runner.pl).
print "Content-Type: text/plain\n\n";
$| = 1;
my $q = $ENV{QUERY_STRING};
system("true");
my $x = `echo hi`;
print "bt: $x";
my $v = eval "1 + 1 . '$q'";
print "eval: $v\n";
unlink("/nonexistent/$q");
kill 0, "$$$q";
open(my $fh, "|true");
close $fh;
print "end\n";
