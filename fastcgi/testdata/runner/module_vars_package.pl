#!/usr/bin/perl
# The variables of a module's second package that has no sub
# (Menshen/Codes.pm declares `package Menshen::Codes::Table; our %CODES =
# (...)`), named by the script, the module required at run time: they
# hold what the module's load put there on every request, as in a new
# process, whatever the request did to them.
use strict;
use warnings;
no warnings 'once';
use lib 'lib';
print "Content-Type: text/plain\n\n";
require Menshen::Codes;
print "$Menshen::Codes::Table::TITLE: ",
    join(', ', map { "$_=$Menshen::Codes::Table::CODES{$_}" } @Menshen::Codes::Table::ORDER), "\n";
$Menshen::Codes::Table::CODES{seen} = 'by this request';
push @Menshen::Codes::Table::ORDER, 'seen';
$Menshen::Codes::Table::TITLE .= ' (changed)';
