package AppMy::Store;
# The base class of AppMy::Cart (app_module_uses.pl): its items in a
# file-scoped lexical, a CPAN module's function imported.
use strict;
use List::Util qw(sum);
my @items;
sub new   { my ($class) = @_; return bless { name => $class }, $class }
sub add   { my ($self, $n) = @_; push @items, $n; return $self }
sub count { scalar @items }
sub total { sum(0, @items) }
1;
