package Menshen::ExportObj;
# Exports an object held in a package variable; export_var.pl loads it at
# run time, so its package is new to the runner in that request.
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw($Obj);
our $Obj = bless { name => 'module-object' }, 'Menshen::ExportObj::Thing';
sub Menshen::ExportObj::Thing::name { $_[0]{name} }
1;
