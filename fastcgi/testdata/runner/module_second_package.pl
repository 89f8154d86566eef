#!/usr/bin/perl
# A variable of a module's second package (Menshen/FailMulti.pm declares
# `package Menshen::FailMulti::Util`, with subs, after its own), named by
# the script, the module required at run time: it holds what the module's
# load put there on every request, as in a new process.
use strict;
use warnings;
no warnings 'once';
use lib 'lib';
print "Content-Type: text/plain\n\n";
require Menshen::FailMulti;
print "made: ", scalar(@Menshen::FailMulti::Util::MADE), " ", Menshen::FailMulti::Util::made(), "\n";
