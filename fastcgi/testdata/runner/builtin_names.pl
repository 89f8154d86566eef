#!/usr/bin/perl
# main:: has no sub named system or syswrite unless the script makes one,
# though the runner takes those builtins over (C8): a script that asks by
# name (can, prototype, the symbol table, a call by the full name) is told
# what perl tells it.
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
print "can: ", (main->can('syswrite') ? 1 : 0), "\n";
print "prototype: ", prototype("system") // 'none', "\n";
print "in main::: ", (exists $main::{syswrite} ? 1 : 0), "\n";
my $r = eval { main::system("echo", "by full name"); 1 };
print "full name: ", $r ? "ran\n" : $@;
syswrite(STDOUT, "written\n");
system("echo", "run");
