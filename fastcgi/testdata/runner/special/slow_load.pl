#!/usr/bin/perl
# Requires Menshen::SlowLoad at run time, then leaves the mark that makes
# any later load of it hang.
use strict;
use FindBin;
use lib "$FindBin::Bin/../lib";
require Menshen::SlowLoad;
my $mark = $INC{'Menshen/SlowLoad.pm'} . '.slow';
if (open my $fh, '>', $mark) { close $fh }
print "Content-Type: text/plain\n\n";
print "x=", ($Menshen::SlowLoad::x // 'undef'), "\n";
