#!/usr/bin/perl
# hello.pl: the smallest CGI script.
print "Content-Type: text/plain\n\n";
print "Hello, world!\n";
