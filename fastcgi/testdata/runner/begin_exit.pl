#!/usr/bin/perl
# exit inside BEGIN: the output so far and the status, nothing else.
BEGIN { print "Content-Type: text/plain\n\nearly\n"; exit 3; }
print "never\n";
