#!/usr/bin/perl
# A `goto` that jumps past a `my` whose variable the code after the label
# uses: the `my` does not run, and the variable keeps what the last run
# left in it. A process of its own starts with it empty: every request
# logs its own query only. (goto_done.pl jumps past a `my` too, harmless.)
use strict;
use warnings;
my $q = $ENV{QUERY_STRING};
goto SHOW if $ENV{REQUEST_METHOD} eq 'GET';
my @log = ();
SHOW:
push @log, $q;
print "Content-Type: text/plain\n\nlog=@log\n";
