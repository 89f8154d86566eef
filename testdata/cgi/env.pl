#!/usr/bin/perl
# env.pl: prints every meta-variable as NAME=value, one per line, sorted (C4).
print "Content-Type: text/plain\n\n";
for my $k (sort keys %ENV) { my $v = $ENV{$k}; $v =~ s/\n/\\n/g; print "$k=$v\n"; }
