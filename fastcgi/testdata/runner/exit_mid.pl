#!/usr/bin/perl
# exit in the middle, from inside a sub and an eval: nothing after it runs.
print "Content-Type: text/plain\n\n";
print "before\n";
sub finish { eval { print "in eval\n"; exit; }; print "after eval (never)\n"; }
finish();
print "after exit (never)\n";
