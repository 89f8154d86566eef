#!/usr/bin/perl
# env.pl: GREETING (set by the config file's [env]) and the pid.
use strict;
use warnings;

my $g = $ENV{GREETING} // '(unset)';
print "Content-Type: text/plain\r\nX-Pid: $$\r\n\r\n";
print "GREETING=$g\n";
