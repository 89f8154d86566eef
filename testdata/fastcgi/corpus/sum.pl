#!/usr/bin/perl
# sum.pl: reads the whole body from STDIN and prints its length and MD5.
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);

binmode STDIN;
local $/;
my $body = <STDIN> // '';
print "Content-Type: text/plain\n\n";
printf "length %d (CONTENT_LENGTH %s)\nmd5 %s\n", length $body, $ENV{CONTENT_LENGTH} // '-', md5_hex($body);
