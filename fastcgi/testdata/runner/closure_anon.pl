#!/usr/bin/perl
# Clean for compile-once: lexicals used only at file scope and through
# anonymous subs; subs take what they need as arguments.
use strict;
use warnings;
my @items = map { $_ * 2 } 1 .. 3;
my $fmt = sub { join ',', @_ };
sub total { my $t = 0; $t += $_ for @_; return $t }
print "Content-Type: text/plain\n\n";
print "items=", $fmt->(@items), " total=", total(@items), "\n";
