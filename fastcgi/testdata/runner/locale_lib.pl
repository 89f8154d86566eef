#!/usr/bin/perl
# A library sets the C locale on the first request: the next ones start
# in the locale a new process has.
require './lib/locale.pl';
my ($n) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
print "Content-Type: text/plain\n\n";
print "start: ", lang(), "\n";
set_lang('C.UTF-8') if !$n;
print "now: ", lang(), "\n";
