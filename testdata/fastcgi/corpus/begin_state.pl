#!/usr/bin/perl
# begin_state.pl: BEGIN-time work, a state variable and another package's
# global: a fresh process always counts 1.
use strict;
use warnings;
use feature 'state';

our $begun;
BEGIN { $begun++ }
sub next_id { state $id = 0; return ++$id }
$Counter::hits++;
print "Content-Type: text/plain\n\n";
print "begun $begun, id ", next_id(), ", hits $Counter::hits\n";
