package Menshen::FailLoad;
# A module whose load dies, after it made a sub and filled an array (a
# legacy Config.pm reading a settings file that is not there). Each
# require of it fails the same way in a new process.
use strict;
use warnings;
our @LOADS;
push @LOADS, 'load';
sub settings { return scalar @LOADS }
die "FailLoad: settings file missing (" . scalar(@LOADS) . " loads)\n";
1;
