package Menshen::Factory;
# Makes classes at run time, once each (their @ISA set the first time it
# is asked for them), and keeps its data in a package without subs.
use strict;
my %made;
sub hello { "hello from " . ref(shift) . ", table " . $Menshen::Factory::Data::X }
sub make {
    my ($name) = @_;
    my $class = "Menshen::Factory::Gen::$name";
    unless ($made{$class}++) { no strict 'refs'; @{"${class}::ISA"} = ('Menshen::Factory'); }
    return bless {}, $class;
}
package Menshen::Factory::Data;
our $X = 42;
1;
