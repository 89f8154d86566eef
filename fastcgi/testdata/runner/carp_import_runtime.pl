#!/usr/bin/perl
# CGI::Carp's fatalsToBrowser turned on at run time by one request (query
# 0: an admin's) is that request's: a later visitor's error stays in the
# log (a 502), as in a CGI process, not shown on the page.
use CGI::Carp;
if ($ENV{QUERY_STRING} eq '0') {
    CGI::Carp->import('fatalsToBrowser');
    print "Content-Type: text/plain\n\nadmin\n";
}
die "database password hunter2\n";
