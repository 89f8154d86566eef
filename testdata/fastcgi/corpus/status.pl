#!/usr/bin/perl
# status.pl: a Status line, repeated headers and LF-only line ends.
use strict;
use warnings;

print "Status: 404 Not Found\n";
print "Content-Type: text/html\n";
print "X-Repeat: one\nX-Repeat: two\n\n";
print "<p>not here: $ENV{QUERY_STRING}</p>\n";
