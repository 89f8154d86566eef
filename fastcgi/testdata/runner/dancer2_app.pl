#!/usr/bin/perl
# A Dancer2 application run as a CGI script (testdata/site_perl stands
# in): Dancer2 keeps the app of package main in its runner and a later
# `use Dancer2` in main takes that app again. perlrun's next compilation
# added its route to the first request's app, whose callback (over the
# first request's $n) answered; auto, compiled once, did the same.
use strict;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Dancer2;
my $n = 0;
get '/' => sub { ++$n; "n=$n routes=" . scalar(@{ app->{routes} }) };
print "Content-Type: text/plain\n\n", to_app()->('/'), "\n";
