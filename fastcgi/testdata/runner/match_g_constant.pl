#!/usr/bin/perl
# A //g match in scalar context on a constant (a literal, a `use constant`
# string, a value in a constant's hash, in the main code or a named sub)
# leaves its pos() on the constant: in a new process every request starts
# at 0, so auto compiles this script per request.
use strict;
use warnings;
use constant LANGS => "en de fr";
use constant CFG => { path => "a:b" };
sub has_b { "abab" =~ /b/g ? "yes" : "no" }
print "Content-Type: text/plain\n\n";
print "literal: ", ("abab" =~ /b/g ? "yes" : "no"), "\n";
print "constant: ", (LANGS =~ /\bde\b/g ? "yes" : "no"), "\n";
print "constant's hash: ", (CFG->{path} =~ /:/g ? "yes" : "no"), "\n";
print "named sub: ", has_b(), "\n";
