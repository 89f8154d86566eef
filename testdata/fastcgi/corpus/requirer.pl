#!/usr/bin/perl
# requirer.pl: require of a library file relative to the script.
use strict;
use warnings;

require "./corpus-lib.pl";
print "Content-Type: text/plain\n\n";
print lib_hello(), " (loads $main::lib_loads)\n";
