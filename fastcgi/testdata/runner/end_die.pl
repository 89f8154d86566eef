#!/usr/bin/perl
# An END block that dies: perl reports it, the other END blocks still run.
print "Content-Type: text/plain\n\nmain\n";
END { print "end1 status=$?\n" }
END { die "end dies\n" }
END { print "end3\n" }
