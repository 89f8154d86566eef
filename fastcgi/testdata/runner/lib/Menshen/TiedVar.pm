package Menshen::TiedVar;
# Error variables tied to a class whose STORE refuses, as DBI ties
# $DBI::err and $DBI::errstr: they are the module's to set.
use strict;
our ($errstr, $err);
sub TIESCALAR { my ($class, $name) = @_; return bless \$name, $class }
sub FETCH { my $self = shift; return $Menshen::TiedVar::STATE{$$self} }
sub STORE { my $self = shift; die "Can't modify \$Menshen::TiedVar::$$self special variable\n" }
our %STATE;
tie $errstr, 'Menshen::TiedVar', 'errstr';
tie $err, 'Menshen::TiedVar', 'err';
sub fail { @STATE{qw(err errstr)} = (1, "failed for $_[0]"); return undef }
sub ok { %STATE = (); return 1 }
1;
