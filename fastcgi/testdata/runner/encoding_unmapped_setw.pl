#!/usr/bin/perl
# encoding_unmapped.pl with warnings turned on at run time ($^W = 1, no
# -w): the flush at the end (a CGI process's exit) follows $^W as the
# script left it, and perl warns of the character it cannot map.
$^W = 1;
print "Content-type: text/plain; charset=iso-8859-1\n\n";
binmode(STDOUT, ':encoding(iso-8859-1)');
print "caf\x{e9} \x{2603}\n";
