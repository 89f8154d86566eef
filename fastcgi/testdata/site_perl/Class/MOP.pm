package Class::MOP;
# Stand-in for Class::MOP's registry of metaclasses (mop_metaclass.pl):
# a class's metaclass, with its attributes, is kept by the class's name
# until remove_metaclass_by_name, as Class/MOP.pm keeps it (Moose).
use strict;
my %METAS;
sub get_metaclass_by_name    { $METAS{ $_[0] } }
sub store_metaclass_by_name  { $METAS{ $_[0] } = $_[1] }
sub remove_metaclass_by_name { delete $METAS{ $_[0] }; return }

package Class::MOP::Class;
sub initialize {
    my ($class, $name) = @_;
    return Class::MOP::get_metaclass_by_name($name)
        || Class::MOP::store_metaclass_by_name($name, bless { name => $name, attrs => {} }, $class);
}
sub add_attribute {
    my ($meta, $attr) = @_;
    $meta->{attrs}{$attr} = 1;
    no strict 'refs';
    *{"$meta->{name}::$attr"} = sub { $_[0]{$attr} };
}
sub attributes { sort keys %{ $_[0]{attrs} } }
1;
