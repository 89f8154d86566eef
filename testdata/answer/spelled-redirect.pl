#!/usr/bin/perl
# spelled-redirect.pl: a local redirect to spelled.pl whose fields carry
# to its answer, in their own spellings (see README.md).
use strict;
use warnings;

print "x-carried: 1\r\n";
print "set-cookie: r=1\r\n";
print "Location: /cgi-bin/spelled.pl\r\n";
print "\r\n";
