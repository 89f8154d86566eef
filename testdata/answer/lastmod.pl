#!/usr/bin/perl
# lastmod.pl?CASE answers with a Last-Modified of CASE's kind (see
# README.md), which goes out as Apache rewrites it.
use strict;
use warnings;

my %dates = (
    future  => ['Fri, 01 Jan 2100 00:00:00 GMT'],
    rfc850  => ['Wednesday, 01-Jan-25 00:00:00 GMT'],
    asctime => ['Wed Jan  1 00:00:00 2025'],
    zone    => ['Wed, 01 Jan 2025 00:00:00 +0100'],
    bad     => ['yesterday'],
    empty   => [''],
    two     => ['Wed, 01 Jan 2025 00:00:00 GMT', 'Tue, 01 Jan 2019 00:00:00 GMT'],
);
print "Last-Modified: $_\n" for @{ $dates{ $ENV{QUERY_STRING} } || [] };
print "Content-Type: text/plain\n\nlastmod\n";
