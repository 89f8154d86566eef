#!/usr/bin/perl
# A script that sends its own (wrong) Date: the answer carries the
# server's, as under Apache.
print "Content-Type: text/plain\nDate: Thu, 01 Jan 1970 00:00:00 GMT\n\ndated\n";
