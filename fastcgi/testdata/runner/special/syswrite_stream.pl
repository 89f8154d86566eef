#!/usr/bin/perl
# What syswrite puts on STDOUT streams (C8): the client reads "first"
# while the script sleeps, with no print after it.
use strict;
use warnings;
syswrite STDOUT, "Content-Type: text/plain\n\n";
syswrite(STDOUT, "first\n");
sleep 2;
syswrite(STDOUT, "second\n");
