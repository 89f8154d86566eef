#!/usr/bin/perl
# main:: has no sub named system or syswrite unless the script makes one:
# a script that asks (defined &syswrite, exists &main::system) is told
# what perl tells it, though the runner takes those builtins over (C8).
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
print "defined &syswrite: ", (defined &syswrite ? 1 : 0), "\n";
print "exists &main::system: ", (exists &main::system ? 1 : 0), "\n";
syswrite(STDOUT, "written\n");
system("echo", "run");
