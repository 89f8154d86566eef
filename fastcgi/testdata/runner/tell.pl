#!/usr/bin/perl
# tell(STDOUT) and tell(STDERR) count the bytes written through the handle
# in THIS process: 0 at the start of every request, whether the output is
# buffered or not (CGI::Carp's fatalsToBrowser prints a header only while
# tell(STDOUT) is 0). A handle kept from an earlier request must not
# remember its bytes.
use strict;
use warnings;
my ($out0, $err0) = (tell(STDOUT), tell(STDERR));
$| = 1 if ($ENV{QUERY_STRING} // '') =~ /flush/;
print "Content-Type: text/plain\n\n";
print STDERR "to stderr\n";
my ($out1, $err1) = (tell(STDOUT), tell(STDERR));
print "start: out=$out0 err=$err0\n";
print "after: out=$out1 err=$err1\n";
