#!/usr/bin/perl
# The application's own module keeps request data where no named sub
# captures it: behind a closure held in a lexical (a private method), and
# behind a closure in a dispatch hash. A new process starts with both
# empty.
use lib 'applib';
use AppMy::Counter;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
$n ||= 0;
print "Content-Type: text/plain\n\n";
print "id: ", AppMy::Counter::id(), "\n" if $n != 1;
print "shown: ", $AppMy::Counter::ACTIONS{show}->("user$n"), "\n" if $n != 2;
