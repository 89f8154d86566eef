#!/usr/bin/perl
# A hand-written form script whose strings hold the words of constructs
# that keep state (reset, state, require, m?): none is code, so `auto`
# keeps it compiled once.
use strict;
use warnings;
my $action = defined $ENV{QUERY_STRING} ? $ENV{QUERY_STRING} : '';
my $st = 'saved';
my $n = 2;
print "Content-Type: text/html\n\n";
print qq(<form><input type="submit"> <input type="reset"></form>\n);
print "reset requested\n" if $action eq 'reset';
print "Your state ($st) has been saved\n";
print "Some fields you require $n more\n";
print "Meeting at 3 p.m?\n";
print 'require "lib.pl" is how old scripts load code', "\n";
