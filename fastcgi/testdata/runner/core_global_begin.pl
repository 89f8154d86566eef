#!/usr/bin/perl
# An override of a builtin the script makes as it compiles (under a name
# made as it runs), and a module compiled after it, whose calls of time
# are calls of that override: in every CGI process both are made again.
# In a worker the module stays compiled, calling the glob of the first
# compilation's override: each compilation of the script must fill that
# same glob, not a new one.
BEGIN {
    no strict 'refs';
    my $g = "CORE::GL" . "OBAL::";
    *{ $g . "time" } = sub { 42 };
}
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Menshen::Clock;
print "Content-Type: text/plain\n\n";
print "clock: ", Menshen::Clock::now(), "\n";
print "time: ", time, "\n";
