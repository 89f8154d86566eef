#!/usr/bin/perl
# state variables start over in every CGI process.
use feature 'state';
sub counter { state $n = 0; return ++$n }
state $top = 10;
$top++;
print "Content-Type: text/plain\n\n";
print "counter=", counter(), counter(), " top=$top\n";
