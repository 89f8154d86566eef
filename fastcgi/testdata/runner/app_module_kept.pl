#!/usr/bin/perl
# The application's own module makes a class at run time and remembers
# it; a package of its file holds only imported subs: every request gets
# the class working, the module loaded afresh or kept with all its
# packages.
use lib 'applib';
use AppMy::Maker;
my $o = AppMy::Maker::make('Widget');
print "Content-Type: text/plain\n\n", (eval { $o->hello } // "ERR: $@"), "\n";
