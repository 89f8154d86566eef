package Menshen::LoadOnce;
# A module that reads its settings file as it loads, and dies while the
# file is missing (LOADONCE_CONF names it): a legacy Config.pm.
use strict;
use warnings;
our @LOADS;
push @LOADS, 'load';
our $name;
sub name { return $name }
open(my $f, '<', $ENV{LOADONCE_CONF} // '') or die "LoadOnce: cannot read settings: $!\n";
chomp($name = <$f>);
1;
