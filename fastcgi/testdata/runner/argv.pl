#!/usr/bin/perl
# $0 is the script, @ARGV is empty (CVE-2012-1823), the top level has no caller.
print "Content-Type: text/plain\n\n";
print "0=$0\n";
print "argv=", scalar(@ARGV), "\n";
print "file=", __FILE__, " line=", __LINE__, " pkg=", __PACKAGE__, "\n";
push @ARGV, "x";
sub main { print "modulino main ran\n" }
main() unless caller;
