#!/usr/bin/perl
# A class declared in the script whose metaclass Class::MOP keeps by
# name (Moose's `has`; testdata/site_perl/Class/MOP.pm stands in): the
# first request adds an attribute for its user. perlrun deletes the
# class after each request; its metaclass must go with it, else the next
# user's class has the last one's attribute.
package Order;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Class::MOP;
my $meta = Class::MOP::Class->initialize(__PACKAGE__);
$meta->add_attribute('id');
$meta->add_attribute('note') if ($ENV{QUERY_STRING} || 0) == 0;
package main;
print "Content-Type: text/plain\n\nattributes: ", join(",", $meta->attributes), "\n";
