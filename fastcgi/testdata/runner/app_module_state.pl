#!/usr/bin/perl
# The application's own module keeps who it saw in a `state` variable of
# its sub: a new process starts with it empty.
use lib 'applib';
use AppMy::Counter;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
print "Content-Type: text/plain\n\nseen: ", AppMy::Counter::hit("user" . ($n || 0)), "\n";
