#!/usr/bin/perl
# Handles that duplicate STDOUT write to the same stream: closing one (or
# STDOUT itself) does not end the answer while another is open, and what
# they still buffer at the end comes in a CGI process's order (STDOUT is
# flushed before the package handles are closed; a file-scope lexical is
# freed before that).
print "Content-Type: text/plain\n\n";
open(my $dup, '>&', \*STDOUT) or die "dup: $!";
print $dup "via lexical dup\n";
close $dup;
print "via stdout\n";
open(my $lex, '>&', \*STDOUT) or die "dup: $!";
print $lex "via lexical left open\n";
open(OUT, '>&STDOUT') or die "dup: $!";
print OUT "via package dup\n";
if ($ENV{QUERY_STRING} eq 'close') {
    close STDOUT;
    print OUT "after close of STDOUT\n";
}
