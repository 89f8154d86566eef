#!/usr/bin/perl
# An %INC entry the script sets itself (the inline-module idiom, at run
# time) is not there in a new process: each request sees none.
print "Content-Type: text/plain\n\n";
print "seen=", (exists $INC{"My/Inline.pm"} ? 1 : 0), "\n";
$INC{"My/Inline.pm"} = __FILE__;
