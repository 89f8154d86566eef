#!/usr/bin/perl
# module_load_side.pl with the module loaded at run time (`require` in the
# script's body): its temp file and the %INC names it registers are still
# the module's, kept for later requests, which find it loaded.
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
require Menshen::Bundle;
require Menshen::Bundle::Extra;
require Menshen::Stubbed;
require File::Temp;
my (undef, $mine) = File::Temp::tempfile(UNLINK => 1);
print "Content-Type: text/plain\n\n";
print "module's temp file: ", (-f Menshen::Bundle::temp() ? 'there' : 'gone'), "\n";
print "mine: ", (-f $mine ? 'there' : 'gone'), "\n";
print Menshen::Bundle::Extra::hello(), " ", Menshen::Stubbed::hi(), "\n";
