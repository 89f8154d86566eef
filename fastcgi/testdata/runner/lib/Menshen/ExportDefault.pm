package Menshen::ExportDefault;
# A module that exports variables by default (@EXPORT): a script names
# them only through their elements (imported_elem_changed.pl).
use strict;
use warnings;
use Exporter 'import';
our @EXPORT = qw(%Opts @Stack);
our %Opts = (depth => 1);
our @Stack = qw(base);
1;
