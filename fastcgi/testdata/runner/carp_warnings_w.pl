#!/usr/bin/perl -w
# The textbook header of a legacy CGI script: -w, CGI::Carp with
# warningsToBrowser, and a file-scope lexical used in a named sub. The
# handler CGI::Carp installs as the script compiles never hears the
# wrapper sub's "will not stay shared", which a script file does not get;
# the warnings of the run reach it, page and log, as in a new process.
use strict;
use CGI::Carp qw(warningsToBrowser fatalsToBrowser);
my $count = 0;
sub bump { $count += shift }
print "Content-Type: text/html\n\n";
warningsToBrowser(1);
bump(3);
my $unset;
print "<p>count $count", $unset, "</p>\n";
