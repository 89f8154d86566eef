#!/usr/bin/perl
# Handles that share STDOUT's and STDERR's IO (*OUT = *STDOUT{IO}) in a
# script that auto runs compiled once until a request stores an object
# (the second): the switch to perlrun must not close the STDOUT and
# STDERR the next request gets.
*OUT = *STDOUT{IO};
*ERR = *STDERR{IO};
our $cart;
print "Content-Type: text/plain\n\n";
$cart = bless {}, 'Cart' if $ENV{QUERY_STRING} eq '1';
print OUT "page $ENV{QUERY_STRING}\n";
print ERR "logged $ENV{QUERY_STRING}\n";
