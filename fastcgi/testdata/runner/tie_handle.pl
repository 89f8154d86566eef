#!/usr/bin/perl
# A handle tied to a class without FILENO (a logger that gathers lines):
# a CGI process's exit destroys its object, without UNTIE, after the page.
package Gather;
sub TIEHANDLE { return bless { lines => [] }, shift }
sub PRINT { my $s = shift; push @{ $s->{lines} }, @_; return 1 }
sub UNTIE { print STDOUT "UNTIE\n" }
sub DESTROY { print STDOUT "DESTROY ", ref $_[0], " ", join('|', @{ $_[0]{lines} }), "\n" }
package main;
tie *LOG, 'Gather';
print LOG "hello $ENV{QUERY_STRING}";
print "Content-Type: text/plain\n\nhandle\n";
