#!/usr/bin/perl
# Handles the script leaves open are closed as a process's exit closes
# them, and a close that fails says so as perl says it in its global
# destruction: a record buffered for a full disk is lost, and that warning
# is its only trace. A handle that closes fine says nothing.
print "Content-Type: text/plain\n\n";
open(DATA_OUT, '>', '/dev/full') or die "/dev/full: $!";
print DATA_OUT "a record that never reaches the disk\n";
open(FINE, '>', '/dev/null') or die "/dev/null: $!";
print FINE "fine\n";
print "done\n";
