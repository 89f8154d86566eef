#!/usr/bin/perl
# Package globals assigned at file scope (auto: registry with restore, each
# request starts from the state after compilation).
our $count;
$count++;
$main::total += 10;
our @stack;
push @stack, $count;
print "Content-Type: text/plain\n\n";
print "count=$count total=$main::total stack=@stack\n";
