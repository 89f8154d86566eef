#!/usr/bin/perl -w
# encoding_unmapped.pl under -w: perl warns of the character it cannot
# map as the flush at the end (a CGI process's exit) writes it, naming no
# file and line (none is running then), not the runner's.
print "Content-type: text/plain; charset=iso-8859-1\n\n";
binmode(STDOUT, ':encoding(iso-8859-1)');
print "caf\x{e9} \x{2603}\n";
