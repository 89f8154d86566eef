#!/usr/bin/perl
# Module variables the script imported and changes under its own names
# ($tabstop is $Text::Tabs::tabstop): the next request finds the module's
# values, as a new process does, in every level.
use strict;
use warnings;
use Text::Tabs;
use lib 'lib';
use Menshen::ExportVar qw($Config %Table @List);
print "Content-Type: text/plain\n\n";
print "tabstop=$tabstop config=$Config table=", join(',', map { "$_=$Table{$_}" } sort keys %Table), " list=@List\n";
$tabstop = 4;
$Config .= '+';
$Table{gamma} = 3;
push @List, 'w';
print expand("a\tb"), "|\n";
