#!/usr/bin/perl
# close STDOUT ends the response; the script goes on (stderr only).
print "Content-Type: text/plain\n\ndone\n";
close STDOUT;
print "after close (lost)\n";
print STDERR "still running\n";
