#!/usr/bin/perl
# CORE::exit ends the worker itself; the request is still answered.
print "Content-Type: text/plain\n\nbefore core exit\n";
CORE::exit(4);
