#!/usr/bin/perl
# CGI::Carp's fatalsToBrowser turned on by one request's BEGIN (query 0:
# a developer's) is that request's: a later visitor's error stays in the
# log (a 502), as in a CGI process, not shown on the page. CGI::Carp's own
# __WARN__ hook, set as it loads, stays in every request.
use CGI::Carp;
BEGIN { CGI::Carp->import('fatalsToBrowser') if $ENV{QUERY_STRING} eq '0' }
warn "a warning\n";
die "database password hunter2\n" if $ENV{QUERY_STRING} ne '0';
print "Content-Type: text/plain\n\n";
die "after the header\n";
