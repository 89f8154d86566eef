#!/usr/bin/perl -w
# One glob used as a file handle and as a directory handle in turn (perl
# lets it hold one at a time): the one it holds at the end of the request
# is closed as a process's exit closes it, a file handle flushed, a
# directory handle in silence.
print "Content-Type: text/plain\n\n";
$| = 1;
open(H, '>&', \*STDOUT) or die "dup: $!";
print H "H as a file, closed\n";
close H;
opendir(H, '.') or die "opendir: $!";
my @mine = grep { $_ eq 'opendir_bareword_open_file.pl' } readdir H;
print "H as a directory, left open: @mine\n";
opendir(F, '.') or die "opendir: $!";
closedir F;
open(F, '>&', \*STDOUT) or die "dup: $!";
print F "F as a file after a directory, left open: flushed at the end\n";
print "last line of STDOUT\n";
