#!/usr/bin/perl
# Sys::Syslog's log mask is a lexical of its own file: the mask one
# request set (only errors logged) must not hold for the next request's
# messages (the real module: it is core Perl).
use Sys::Syslog qw(setlogmask LOG_UPTO LOG_ERR);
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
setlogmask(LOG_UPTO(LOG_ERR)) if $n && $n % 2;
print "Content-Type: text/plain\n\nmask=", setlogmask(0), "\n";
