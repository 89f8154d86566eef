#!/usr/bin/perl
# Dies after the header and part of the body.
$| = 1;
print "Content-Type: text/plain\n\npartial\n";
$! = 0;
die "broken after the header";
