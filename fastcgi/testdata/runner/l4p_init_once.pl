#!/usr/bin/perl
# Log4perl configured with init_once, the way its FAQ gives for
# persistent environments, and the user put in its MDC for the log lines
# (testdata/site_perl/Log/Log4perl.pm stands in). The first request, a
# developer's, logs at DEBUG for user u0; the next ones are a new
# process's: WARN, and no user.
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Log::Log4perl;
my $n = $ENV{QUERY_STRING} || 0;
Log::Log4perl->init_once($n == 0 ? 'DEBUG' : 'WARN');
Log::Log4perl::MDC->put(user => "u$n") if $n == 0;
print "Content-Type: text/plain\n\nlevel ", Log::Log4perl->level, " user ", Log::Log4perl::MDC->get('user') // '-', "\n";
