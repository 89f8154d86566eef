#!/usr/bin/perl
# A class declared in the script and made immutable, as Moose scripts do
# (testdata/site_perl/Class/MOP.pm stands in): Class::MOP builds, as the
# first class is made immutable, the class of immutable metaclasses, with
# a notional %INC entry ('(set by Moose)'), and uses it by name from then
# on. That entry names no file beside the script: the package is
# Class::MOP's, and stays; the script's class, with one of its own, is
# the script's, and goes.
package Order;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Class::MOP;
my $meta = Class::MOP::Class->initialize(__PACKAGE__);
$meta->add_attribute('id');
$meta->add_attribute('note') if ($ENV{QUERY_STRING} || 0) == 0;
$meta->make_immutable;
package main;
print "Content-Type: text/plain\n\nattributes: ", join(",", $meta->attributes), " immutable ", $meta->is_immutable, "\n";
