#!/usr/bin/perl
# die_before.pl: dies before any header: no valid response (502).
use strict;
use warnings;

die "no header for you\n";
