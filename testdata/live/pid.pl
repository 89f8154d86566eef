#!/usr/bin/perl
# pid.pl: the process id that served the request (a worker's is stable).
use strict;
use warnings;

print "Content-Type: text/plain\r\n";
print "X-Pid: $$\r\n";
print "\r\n";
print "pid $$\n";
