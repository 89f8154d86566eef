#!/usr/bin/perl -w
# A package the script declares is the script's although it holds XS
# subs: an imported XS function (Scalar::Util's blessed) and a constant
# sub. Its variables are fresh for every request (query %d: each user
# sees only their own session) and its constant is not "redefined".
package Conf;
use Scalar::Util qw(blessed);
sub LIMIT() { 42 }
our %sessions;
sub add { $sessions{$_[0]} = 1; join ",", sort keys %sessions }
package main;
print "Content-Type: text/plain\n\n";
print "sessions=", Conf::add("u$ENV{QUERY_STRING}"), " limit=", Conf::LIMIT, "\n";
