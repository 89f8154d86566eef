#!/usr/bin/perl
# A package that do FILE fills at run time, which the script only calls
# into: its state is as a new process has it on every request (auto sees
# the package change and serves the script perlrun).
use FindBin;
print "Content-Type: text/plain\n\n";
do "$FindBin::Bin/lib/counter.pl" or die "counter.pl: ", $@ || $!;
print Counter::get(), "\n";
print "class: ", Counter->can('get') ? "can get" : "cannot", "\n";
