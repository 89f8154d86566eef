#!/usr/bin/perl
# A module's load-time work stays the module's: its temp file (File::Temp
# removes the request's own at the end of the request, not those a module
# made as it loaded and still uses) and the %INC names it registered for
# the packages it carries (a later compilation's `use` of them must not
# fail).
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::Bundle;
use Menshen::Bundle::Extra;
use Menshen::Stubbed;
use File::Temp qw(tempfile);
my (undef, $mine) = tempfile(UNLINK => 1);
print "Content-Type: text/plain\n\n";
print "module's temp file: ", (-f Menshen::Bundle::temp() ? 'there' : 'gone'), "\n";
print "mine: ", (-f $mine ? 'there' : 'gone'), "\n";
print Menshen::Bundle::Extra::hello(), " ", Menshen::Stubbed::hi(), "\n";
