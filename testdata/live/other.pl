#!/usr/bin/perl
# other.pl: a second script, for switching one script and not another.
use strict;
use warnings;

print "Content-Type: text/plain\r\n";
print "X-Pid: $$\r\n";
print "\r\n";
print "pid $$\n";
