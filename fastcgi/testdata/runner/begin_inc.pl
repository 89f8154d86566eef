#!/usr/bin/perl
# A BEGIN block that only adds directories to @INC does the same when the
# script is compiled once (auto keeps it in registry): the module under
# the script's lib loads, and @INC is as in a new process every request.
use strict;
use warnings;
use FindBin qw($Bin);
BEGIN { unshift @INC, "$Bin/lib"; push(@INC, '/nonexistent/menshen-lib'); }
use Menshen::Indirect;
push @INC, '/nonexistent/at-run-time';
print "Content-Type: text/plain\n\n";
print "lib entries: ", scalar(grep { $_ eq "$Bin/lib" } @INC), "\n";
print "run-time entries: ", scalar(grep { $_ eq '/nonexistent/at-run-time' } @INC), "\n";
print "loaded: ", (exists $INC{'Menshen/Indirect.pm'} ? 1 : 0), "\n";
