#!/usr/bin/perl
# stream.pl: a line, a 2 s pause, another line; unbuffered (C8).
use strict;
use warnings;

$| = 1;
print "Content-Type: text/plain\r\nX-Pid: $$\r\n\r\n";
print "first\n";
sleep 2;
print "second\n";
