#!/usr/bin/perl
# The application's own module keeps who visited in packages of its file
# that have no subs: a new process starts with them empty.
use lib 'applib';
use AppMy::Visits;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
AppMy::Visits::add("user" . ($n || 0));
print "Content-Type: text/plain\n\nvisitors: ", AppMy::Visits::list(), "\n";
