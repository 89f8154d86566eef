#!/usr/bin/perl
# system_stream.pl: a line, then a program run by system() that prints a
# line, sleeps 2 s and prints another (C8 through system: the runner
# streams it, so the script stays persistent).
use strict;
use warnings;

print "Content-Type: text/plain\r\nX-Pid: $$\r\n\r\n";
print "first\n";
system("echo child; sleep 2; echo child again");
print "last\n";
