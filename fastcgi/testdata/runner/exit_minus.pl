#!/usr/bin/perl
# `exit -1` is perl's builtin exit of -1: no "ambiguous" warning, which
# FATAL warnings would make a compile error.
use strict;
use warnings FATAL => 'all';
print "Content-Type: text/plain\n\nok\n";
exit -1 if $ENV{QUERY_STRING} eq 'bad1';
