#!/usr/bin/perl -w
# encoding_unmapped_w.pl with warnings turned off at run time ($^W = 0):
# the flush at the end (a CGI process's exit) follows $^W as the script
# left it, and perl says nothing of the character it cannot map.
$^W = 0;
print "Content-type: text/plain; charset=iso-8859-1\n\n";
binmode(STDOUT, ':encoding(iso-8859-1)');
print "caf\x{e9} \x{2603}\n";
