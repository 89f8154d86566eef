#!/usr/bin/perl
# An override of time made as the request runs (under a name made at run
# time), and a module compiled meanwhile whose time is that override: the
# module stays loaded, the override cannot go without changing what it
# calls (TestRunner_CoreGlobalHeldRetires).
use FindBin;
use lib "$FindBin::Bin/../../site_perl";
print "Content-Type: text/plain\n\n";
if ($ENV{QUERY_STRING} eq 'install') {
    no strict 'refs';
    my $g = "CORE::GL" . "OBAL::";
    *{ $g . "time" } = sub { 42 };
    require Menshen::Clock;
}
print "clock: ", (defined &Menshen::Clock::now ? Menshen::Clock::now() : "none"), "\n";
