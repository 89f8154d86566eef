#!/usr/bin/perl
# A __WARN__ handler installed in a BEGIN block sees the warnings of the
# script's compilation: none here, as in a fresh process.
use strict;
use warnings;
BEGIN { $SIG{__WARN__} = sub { our @W; push @W, $_[0] } }
my $counter = 0;
sub bump { $counter++; return $counter }
print "Content-Type: text/plain\n\n";
print "bump=", bump(), bump(), "\n";
our @W;
print "warnings seen: ", scalar(@W), "\n", @W;
