#!/usr/bin/perl
# A global holding an object: freeing it runs code, so auto cannot restore it
# and switches to perlrun after the first request.
our $obj;
print "Content-Type: text/plain\n\n";
print defined $obj ? "old\n" : "new\n";
$obj = bless { n => 1 }, 'Thing';
print ref($obj), " $obj->{n}\n";
