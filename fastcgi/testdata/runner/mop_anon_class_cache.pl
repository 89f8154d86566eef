#!/usr/bin/perl
# A module makes a Class::MOP anonymous class at run time and keeps it
# for later calls (testdata/site_perl/AnonClassCache.pm stands in for
# Moose's cache of anonymous classes by role combination, which
# MooseX::Getopt's new_with_options reaches as Catalyst's script runner
# starts an application). perlrun deleted the package as the script's,
# and the next request's cached class had no methods: "Can't locate
# object method "does"", every Catalyst request after the first a 502.
use strict;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use AnonClassCache;
my $obj = AnonClassCache::instance();
print "Content-Type: text/plain\n\n", ($obj->does('Getopt') ? "does Getopt\n" : "does not\n");
