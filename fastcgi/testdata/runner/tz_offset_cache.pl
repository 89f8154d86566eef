#!/usr/bin/perl
# A page in the user's time zone (`local $ENV{TZ}`) through Time::Zone
# (Date::Format's %Z and %z): its offset cache is filled once per process,
# so the next user in another zone must not get the last user's offset.
use strict;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Time::Zone;
my $q = $ENV{QUERY_STRING};
local $ENV{TZ} = $q % 2 ? 'UTC0' : 'XST-1';
print "Content-Type: text/plain\n\n";
print "TZ=$ENV{TZ} offset=", Time::Zone::tz_local_offset(1300000000), "\n";
