#!/usr/bin/perl
# The application's own module sets a CPAN module's globals
# ($CGI::POST_MAX, $CGI::DISABLE_UPLOADS) for some requests; the script's
# text does not name them: the next request has CGI.pm's defaults again.
use lib 'applib';
use AppMy::Limits;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
AppMy::Limits::setup($n || 0);
print "Content-Type: text/plain\n\n", AppMy::Limits::show(), "\n";
