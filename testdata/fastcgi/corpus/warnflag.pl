#!/usr/bin/perl -w
# warnflag.pl: the -w switch of the shebang line.
print "Content-Type: text/plain\n\n";
print "W=$^W\n";
