#!/usr/bin/perl
# An application's module that uses another one (AppMy::Cart, a subclass
# of AppMy::Store, whose items are a file-scoped `my`), exports into main
# and holds an object (destroyed at the end of the request, as at a
# process's exit).
use strict;
use lib 'applib';
use AppMy::Cart;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\b[nq]=(\d+)/;
cart()->add($_) for 1 .. ($n || 0);
print "Content-Type: text/plain\n\n";
print "items: ", cart()->count, " total: ", cart()->total, " isa: ", (AppMy::Cart->isa('AppMy::Store') ? 1 : 0), "\n";
