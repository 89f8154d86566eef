#!/usr/bin/perl -w
# -w, a compile-time warning (a constant in void context) and a
# file-scope lexical in a named sub, which auto finds at the first
# compilation and makes perlrun. A new process compiles the script once:
# the warning is in the log once, and once in the page through
# warningsToBrowser, at every request.
use CGI::Carp qw(warningsToBrowser);
my $count = 0;
sub bump { $count += shift }
"a constant in void context";
print "Content-Type: text/html\n\n";
warningsToBrowser(1);
bump(2);
print "<p>count $count</p>\n";
