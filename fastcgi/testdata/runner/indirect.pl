#!/usr/bin/perl
# A module using exec { PROG } LIST and system { PROG } LIST (indirect
# object forms, which an overridden builtin cannot parse) loads and works.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::Indirect;
$| = 1;
print "Content-Type: text/plain\n\n";
my $rc = Menshen::Indirect::run_block('/bin/echo', 'echo', 'block form');
print "block rc=$rc\n";
$rc = Menshen::Indirect::run_var('/bin/echo', 'var form');
print "var rc=$rc\n";
$rc = Menshen::Indirect::exec_in_child('/bin/echo', 'echo', 'exec form');
print "exec rc=$rc\n";
