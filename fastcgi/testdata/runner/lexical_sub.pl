#!/usr/bin/perl
# A named sub capturing a file-scope lexical ("will not stay shared" under
# a compile-once runner): CGI prints count=2 every time.
use strict;
my $count = 0;
sub inc { $count++ }
inc(); inc();
print "Content-Type: text/plain\n\n";
print "count=$count\n";
