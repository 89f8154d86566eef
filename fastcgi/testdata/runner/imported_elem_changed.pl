#!/usr/bin/perl -w
# Module variables the script imported by default and names only through
# their elements ($Stack[0], $Opts{depth}): changed that way they are still
# the module's, and the next request finds the module's values, as a new
# process does, in every level.
use strict;
use lib 'lib';
use Menshen::ExportDefault;
print "Content-Type: text/plain\n\n";
print "stack0=$Stack[0] depth=$Opts{depth}\n";
$Stack[0] = 'changed';
$Opts{depth}++;
