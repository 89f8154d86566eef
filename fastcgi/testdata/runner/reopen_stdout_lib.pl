#!/usr/bin/perl
# reopen_stdout_lib.pl: STDOUT reopened to a file where the script's own
# text does not show it (a required library, a glob reference): what is
# printed meanwhile, and a child's output, goes to the file, not the page,
# and STDOUT put back from its saved dup is the page again.
use strict;
use warnings;
use File::Temp ();
require "./lib/tofile.pl";
$| = 1 if ($ENV{QUERY_STRING} // '') =~ /1/;
print "Content-Type: text/plain\n\n";
my (undef, $file) = File::Temp::tempfile(UNLINK => 1);
to_file($file, sub { print "report line\n"; system('echo from a child') });
print "the file has ", -s $file, " bytes\n";
my $out = \*STDOUT;
open(my $keep, '>&', $out) or die "dup: $!";
open($out, '>', $file) or die "reopen: $!";
print "through a glob reference\n";
close($out);
open($out, '>&', $keep) or die "restore: $!";
print "the file has ", -s $file, " bytes\n";
system('echo a child after');
unlink $file;
