#!/usr/bin/perl -w
# The inline-module idiom at run time: %INC points at the script itself.
# Each new process compiles the package once, with no "redefined" warning.
package Widget;
sub new { bless {}, shift }
package main;
my $before = exists $INC{'Widget.pm'} ? 'set' : 'not set';
$INC{'Widget.pm'} = __FILE__;
print "Content-Type: text/plain\n\n";
print "Widget.pm before: $before\n";
print "widget: ", ref(Widget->new), "\n";
