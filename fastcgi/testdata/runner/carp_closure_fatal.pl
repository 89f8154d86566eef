#!/usr/bin/perl
# CGI::Carp's fatalsToBrowser and FATAL warnings: a real "will not stay
# shared" is a compile error, and its page, as in a script file; the
# file-scope lexical is no error.
use strict;
use CGI::Carp qw(fatalsToBrowser);
BEGIN { $CGI::Carp::NO_TIMESTAMP = 1 }
use warnings FATAL => 'all';
my $total = 0;
sub add { $total += shift; return $total }
sub render_row {
    my $row = shift;
    sub cell { return "<td>$row</td>" }
    return "<tr>" . cell() . "</tr>";
}
print "Content-Type: text/html\n\n";
print "<p>total=", add(2), "</p>\n", render_row('x'), "\n";
