#!/usr/bin/perl
# A flip-flop in an anonymous sub that closes over nothing: perl does not
# clone such a sub, so the flip-flop's state (left "on" after the last
# "start" below) outlives the call, and would outlive the request when
# compiled once (auto: perlrun).
print "Content-Type: text/plain\n\n";
my $pick = sub { my @r = grep { /start/ .. /end/ } @_; "@r" };
print $pick->(qw(a start b end c start d)), "\n";
