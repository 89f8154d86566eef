#!/usr/bin/perl
# FATAL warnings, and named subs, a lexical sub, a BEGIN block and a
# string eval in BEGIN using file-scope lexicals: no warning, it runs.
use strict;
use warnings FATAL => 'all';
my $count = 0;
my @seen;
my sub note { push @seen, @_ }
sub bump { note($_[0]); $count += shift }
sub show { return "$count: @seen" }
BEGIN { my $n = $count; eval 'my $m = $count; 1' or print STDERR $@ }
sub later { sub later_inner { $count } later_inner() }
print "Content-Type: text/plain\n\n";
bump($_) for 1 .. 3;
print show(), " ", later(), "\n";
