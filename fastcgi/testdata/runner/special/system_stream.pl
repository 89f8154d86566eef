#!/usr/bin/perl
# A program run by system() streams its output while it runs (C8): the
# client reads "child first" while the program sleeps.
print "Content-Type: text/plain\n\n";
print "script\n";
system("echo child first; sleep 2; echo child second");
print "script again\n";
