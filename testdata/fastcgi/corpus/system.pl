#!/usr/bin/perl
# system() and its program's output, in order with the script's own,
# with statuses: the same bytes in both modes (the runner streams it).
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
print "before\n";
system("echo from system");
my $rc = system('sh', '-c', 'echo list form; exit 3');
print "rc=$rc\n";
syswrite(STDOUT, "direct\n");
system("printf 'no newline'");
print "\nafter\n";
