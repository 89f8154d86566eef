#!/usr/bin/perl
# CGI::Carp keeps the warnings of the run for warningsToBrowser. The first
# request warns and ends before it prints them; the next requests print
# theirs, and have none: the first client's warning is not in their page.
use strict;
use CGI::Carp qw(warningsToBrowser fatalsToBrowser);
my $n = $ENV{QUERY_STRING} || 0;
if ($n == 0) {
    warn "no id for this user\n";
    print "Content-Type: text/plain\n\nnothing\n";
    exit 0;
}
print "Content-Type: text/html\n\n";
warningsToBrowser(1);
print "<p>request $n</p>\n";
