#!/usr/bin/perl
# A hand-written form script with a reset button and a reset action: the
# word in quotes is no call of reset, so `auto` keeps it compiled once.
use strict;
use warnings;
my $action = defined $ENV{QUERY_STRING} ? $ENV{QUERY_STRING} : '';
print "Content-Type: text/html\n\n";
print qq(<form><input type="submit"> <input type="reset"></form>\n);
print "reset requested\n" if $action eq 'reset';
print "actions: ", join(",", 'view', 'reset'), "\n";
