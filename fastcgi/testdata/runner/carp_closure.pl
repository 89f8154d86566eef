#!/usr/bin/perl
# CGI::Carp's warningsToBrowser shows a real "will not stay shared" (a
# named sub inside a named sub), as in a script file, and not the
# wrapper sub's for a file-scope lexical.
use strict;
use warnings;
use CGI::Carp qw(warningsToBrowser fatalsToBrowser);
BEGIN { $CGI::Carp::NO_TIMESTAMP = 1 }
my $total = 0;
sub add { $total += shift; return $total }
sub render_row {
    my $row = shift;
    sub cell { return "<td>$row</td>" }
    return "<tr>" . cell() . "</tr>";
}
print "Content-Type: text/html\n\n";
warningsToBrowser(1);
print "<p>total=", add(2), "</p>\n", render_row('x'), "\n";
