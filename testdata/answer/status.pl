#!/usr/bin/perl
# status.pl?STATUS: answers with "Status: STATUS", the query URL-decoded
# (reason phrases, informational statuses).
use strict;
use warnings;

(my $status = $ENV{QUERY_STRING} // '') =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
print "Status: $status\n";
print "Content-Type: text/plain\n\n";
print "body\n";
