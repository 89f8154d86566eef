#!/usr/bin/perl
# Every variable of %ENV, sorted, its value in hex: the exact bytes, and
# what a program the script runs sees of one of them.
print "Content-Type: text/plain\n\n";
for my $k (sort keys %ENV) { print "$k=", defined $ENV{$k} ? unpack("H*", $ENV{$k}) : "(undef)", "\n" }
print "child: ", `printenv MENSHEN_LAST`;
