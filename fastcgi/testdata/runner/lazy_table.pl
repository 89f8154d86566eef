#!/usr/bin/perl
# A script that names a module's table (a hash held in a package scalar)
# the module fills lazily: the runner must not put the table back behind
# the module's back (its next request would find a handler missing).
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::LazyTable;
$Menshen::LazyTable::HANDLERS->{custom} ||= sub { 'custom' };
print "Content-Type: text/plain\n\n";
print Menshen::LazyTable::handler('a'), ' ', $Menshen::LazyTable::HANDLERS->{custom}->(), "\n";
