#!/usr/bin/perl
# A script that sets $\ (and $,) and then dies, in its body and in an END
# block: perl prints the messages without them (a die is no print), so the
# log has no empty line after each.
$\ = "\n";
$, = '|';
print "Content-Type: text/plain\n";
print 'ors', 'set';
END { die "in END\n" }
die "fatal";
