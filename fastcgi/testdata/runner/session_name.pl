#!/usr/bin/perl
# CGI::Session->name('APPSID') as a class method sets the cookie name of
# every session after it: the next requests, like new processes, must
# find the module's own (CGISESSID).
use strict;
use CGI::Session;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
print "Content-Type: text/plain\n\n";
print "before: ", CGI::Session->name, "\n";
CGI::Session->name('APPSID') if !$n;
print "after: ", CGI::Session->name, "\n";
