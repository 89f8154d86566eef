#!/usr/bin/perl
# syswrite bypasses the buffer, so it comes out first, as from a real process;
# fileno(STDOUT) is 1; format/write and say work.
use feature 'say';
print "Content-Type: text/plain\n\n";
print "buffered\n";
syswrite(STDOUT, "direct\n");
print "fileno=", fileno(STDOUT), "\n";
our ($name, $qty) = ("apples", 12);
format STDOUT =
@<<<<<<<<< @>>>>
$name,     $qty
.
write;
say "said";
