#!/usr/bin/perl
# STDERR tied to a class of the script (a capture of the warnings, shown
# in the page by the object's DESTROY) and never untied: a CGI process's
# exit destroys the tie object without calling its UNTIE or CLOSE, after
# the END blocks, and what its DESTROY prints is in the page.
package Capture;
sub TIEHANDLE { bless { buf => '' }, shift }
sub PRINT { my $s = shift; $s->{buf} .= join '', @_; 1 }
sub UNTIE { print STDOUT "UNTIE called\n" }
sub CLOSE { print STDOUT "CLOSE called\n" }
sub DESTROY { print STDOUT "<pre>captured: $_[0]{buf}</pre>\n" }
package main;
END { print STDERR "from the END block\n" }
print "Content-Type: text/html\n\n";
tie *STDERR, 'Capture';
print STDERR "a warning\n";
print "<p>page</p>\n";
