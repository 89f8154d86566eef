#!/usr/bin/perl
# export_var.pl: variables a module exports (Exporter) used under the
# script's names, beside the script's own `use vars` globals, and an
# object exported by a module the second request loads at run time. At
# the end of a request the runner clears and destroys the script's
# globals, never a module's: a new process finds the module's values
# every time.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::ExportVar qw($Config %Table @List);
use vars qw($mine @mine %mine $Obj);
my ($n) = ($ENV{QUERY_STRING} // '') =~ /(\d+)/;
$mine .= 'm';
push @mine, 1;
$mine{ $n // 'none' } = 1;
if ($n) {
    require Menshen::ExportObj;
    Menshen::ExportObj->import('$Obj');
}
print "Content-Type: text/plain\n\n";
print "config=$Config table=", join(',', map { "$_=$Table{$_}" } sort keys %Table), " list=@List\n";
print "mine=$mine/", scalar(@mine), "/", join(',', sort keys %mine), "\n";
print "obj=", (defined $Obj ? $Obj->name : 'none'), "\n";
