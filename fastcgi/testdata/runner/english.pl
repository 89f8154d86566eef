#!/usr/bin/perl
# `use English` names perl's own variables ($ERRNO and $OS_ERROR are $!,
# $INPUT_LINE_NUMBER is $., $BASETIME $^T...), which perl changes itself:
# a failed open sets $!. auto took that for the script changing a package
# variable and left registry after the first request ("package variable
# $main::ERRNO changed"); it stays there now, with the same bytes.
use strict;
use warnings;
use English qw(-no_match_vars);
print "Content-Type: text/plain\n\n";
open(my $fh, '<', '/nonexistent/menshen') or print "open failed: $OS_ERROR\n";
print "errno set: ", ($ERRNO ? 1 : 0), "\n";
open(my $self, '<', $PROGRAM_NAME) or die;
my $first = <$self>;
print "line: $INPUT_LINE_NUMBER\n";
print "started: ", ($BASETIME <= time ? 'yes' : 'no'), "\n";
eval { die "oops\n" };
print "eval: $EVAL_ERROR";
