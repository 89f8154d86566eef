#!/usr/bin/perl
# A flip-flop in a closure: each evaluation of `sub {...}` clones it with
# a pad of its own, where the flip-flop's state is: a new one per request,
# so compiled once it answers as a new process (auto: registry).
print "Content-Type: text/plain\n\n";
my @lines = qw(a start b end c start d);
my $tag = "picked";
my $pick = sub { my @r = grep { /start/ .. /end/ } @lines; "$tag: @r" };
print $pick->(), "\n";
