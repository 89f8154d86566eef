#!/usr/bin/perl
# Appends a line to $ENV{COUNTER_FILE} at every compilation (BEGIN) and at
# every run: registry compiles once, perlrun every request.
BEGIN { open(my $f, '>>', $ENV{COUNTER_FILE}) or die "counter: $!"; print $f "compile\n"; close $f; }
open(my $f, '>>', $ENV{COUNTER_FILE}) or die "counter: $!";
print $f "run\n";
close $f;
print "Content-Type: text/plain\n\nok\n";
