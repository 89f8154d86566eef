#!/usr/bin/perl
# CGI::Carp's warningsToBrowser shows the warnings of the run, and there
# are none: the "will not stay shared" of the wrapper sub never reaches it.
use strict;
use warnings;
use CGI::Carp qw(warningsToBrowser fatalsToBrowser);
my $total = 0;
sub add { $total += shift; return $total }
print "Content-Type: text/html\n\n";
warningsToBrowser(1);
print "<p>total=", add(2), "</p>\n";
