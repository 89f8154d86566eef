#!/usr/bin/perl
# __DATA__ is readable on every request.
print "Content-Type: text/plain\n\n";
my $n = 0;
while (my $line = <DATA>) { $n++; print "data: $line"; }
print "lines=$n\n";
__DATA__
alpha
beta
gamma
