#!/usr/bin/perl
# Names a module's tied error variable ($DBI::errstr): restoring it after
# a request died in the runner, and each request that left an error
# restarted the worker.
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::TiedVar;
print "Content-Type: text/plain\n\n";
my $q = $ENV{QUERY_STRING};
if ($q % 2) {
    Menshen::TiedVar::fail("user$q") or print "Sorry: $Menshen::TiedVar::errstr\n";
} else {
    Menshen::TiedVar::ok() and print "saved ", ($Menshen::TiedVar::err // 'no error'), "\n";
}
