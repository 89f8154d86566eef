package Menshen::ExportVar;
# A module that exports variables (Exporter): under the script's names
# they are still the module's own, which the runner must never clear or
# destroy as the script's (export_var.pl).
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw($Config %Table @List);
our $Config = 'module-config';
our %Table = (alpha => 1, beta => 2);
our @List = qw(x y z);
1;
