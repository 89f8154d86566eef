#!/usr/bin/perl
# Writes stderr lines of every shape: CRLF, empty, 20 KiB, and a last one
# without newline (C9).
use strict;
use warnings;
$| = 1;
print STDERR "one\n";
print STDERR "two\r\n";
print STDERR "\n";
print STDERR "x" x (20 << 10), "\n";
print STDERR "after long\n";
print "Content-Type: text/plain\n\nok\n";
print STDERR "last";
