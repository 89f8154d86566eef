#!/usr/bin/perl
# Class::Struct's documented run-time use: struct() makes the class with
# a string eval that also imports Carp's croak into it, and refuses a
# class that already has a new(). A fresh process has no class yet on
# every request: the second request must not find the first's.
use strict;
use warnings;
use Class::Struct;
struct('Point' => { x => '$', y => '$' });
struct(Dog => [name => '$', age => '$']);
my $p = Point->new(x => 1, y => $ENV{QUERY_STRING});
my $d = Dog->new(name => 'rex', age => 3);
print "Content-Type: text/plain\n\n";
print "p=", $p->x, ",", $p->y, " d=", $d->name, "/", $d->age, "\n";
print "can new: ", (Point->can('new') ? 1 : 0), "\n";
