#!/usr/bin/perl
# The mod_perl idiom of scripts written for both (gitweb's): a BEGIN block
# that acts under mod_perl only does nothing here, compiled once or not
# (auto keeps the script in registry).
use strict;
use warnings;
our $under_mod_perl;
BEGIN { $main::under_mod_perl = 1 if $ENV{'MOD_PERL'}; }
print "Content-Type: text/plain\n\n";
print "mod_perl: ", ($under_mod_perl ? "yes" : "no"), "\n";
