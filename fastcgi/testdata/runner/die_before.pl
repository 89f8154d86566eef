#!/usr/bin/perl
# Dies before any header: perl prints the message and exits 255.
$! = 0;
die "broken before the header\n";
