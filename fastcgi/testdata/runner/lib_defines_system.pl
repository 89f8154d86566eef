#!/usr/bin/perl -w
# A library the script requires defines `sub system` (the script's own
# source names no such sub): the script's system(...) is perl's builtin,
# as in a new process, not the library's, and nothing is "redefined".
require "./lib/runlog.pl";
print &PrintHeader;
$| = 1;
system("echo", "hello");
print "status=$?\n";
