#!/usr/bin/perl
# datafile.pl: reads a data file relative to its directory (the cwd), then
# leaves the cwd somewhere else.
use strict;
use warnings;
use Cwd qw(getcwd);

open my $fh, '<', 'datafile.txt' or die "open datafile.txt: $!";
my @lines = <$fh>;
close $fh;
my $dir = getcwd() =~ s{.*/}{}r;
print "Content-Type: text/plain\n\n";
print "read ", scalar(@lines), " lines in $dir\n", @lines;
chdir '/' or die "chdir: $!";
