#!/usr/bin/perl
# A module required at run time, inside a sub, whose variables the source
# names: they keep the values the module set as it loaded, on every
# request (a session module's cookie name: it was undef from the second
# request on).
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
sub load { require Menshen::Lazy::Drv }
load();
print "Content-Type: text/plain\n\n";
print "name=", ($Menshen::Lazy::Drv::NAME // 'undef'), " version=", ($Menshen::Lazy::Drv::VERSION // 'undef'), "\n";
print "ok=", (eval { Menshen::Lazy::Drv->VERSION(2); 1 } ? 1 : 0), " prog=", ($Menshen::Lazy::Drv::PROG // "undef"), "\n";
