#!/usr/bin/perl
# The inline-module idiom: a package of the script marked loaded in %INC
# (so that a `use parent` or `require My::Store` elsewhere finds it). It is
# still the script's package: a new process starts with an empty store.
package My::Store;
our @items;
sub add { push @items, $_[1]; return scalar @items }
package main;
BEGIN { $INC{'My/Store.pm'} = __FILE__ }
print "Content-Type: text/plain\n\n";
print "items in store: ", My::Store->add($ENV{QUERY_STRING}), "\n";
