#!/usr/bin/perl
# STDOUT tied at run time to a class of the script (a capture of a
# widget's output) and never untied: a CGI process destroys the tie
# object at its exit, after the END blocks, and its DESTROY runs (here it
# logs what it captured). The page is what was printed before the tie.
package Capture;
sub TIEHANDLE { bless { buf => '' }, $_[0] }
sub PRINT { my $s = shift; $s->{buf} .= join '', @_; 1 }
sub PRINTF { my $s = shift; my $f = shift; $s->{buf} .= sprintf $f, @_; 1 }
sub DESTROY { print STDERR "capture destroyed: [$_[0]{buf}]\n" }
package main;
END { print STDERR "END block\n" }
print "Content-Type: text/plain\n\n";
print "before the capture\n";
tie *STDOUT, 'Capture';
print "<b>widget</b>";
