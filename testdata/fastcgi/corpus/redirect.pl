#!/usr/bin/perl
# redirect.pl: a local redirect, served as a fresh GET of hello.pl.
print "Location: /cgi-bin/hello.pl\n\n";
print "this body is discarded\n";
