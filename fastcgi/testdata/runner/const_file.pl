#!/usr/bin/perl
# Constants computed at compile time from what a new process could find
# otherwise (a file, a file test): compiled once, they would keep the
# first request's values.
use strict;
use constant FIRST => do { open my $fh, '<', 'lib/words.txt' or die "words: $!"; my $w = <$fh>; chomp $w; $w };
use constant DEBUG => -e 'lib/debug.flag' ? 1 : 0;
use if -e 'lib/debug.flag', 'Data::Dumper';
print "Content-Type: text/plain\n\n", FIRST, " debug=", DEBUG, "\n";
