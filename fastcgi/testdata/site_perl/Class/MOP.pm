package Class::MOP;
# Stand-in for Class::MOP's registry of metaclasses (mop_metaclass.pl):
# a class's metaclass, with its attributes, is kept by the class's name
# until remove_metaclass_by_name, as Class/MOP.pm keeps it (Moose). And
# for the notional %INC entries it makes (mop_immutable.pl): one for each
# class ('(set by Moose)'), and one for the class of immutable
# metaclasses it builds at run time the first time a class is made
# immutable, and keeps using by name.
use strict;
my %METAS;
sub get_metaclass_by_name    { $METAS{ $_[0] } }
sub store_metaclass_by_name  { $METAS{ $_[0] } = $_[1] }
sub remove_metaclass_by_name { delete $METAS{ $_[0] }; return }

package Class::MOP::Class;
sub initialize {
    my ($class, $name) = @_;
    (my $file = "$name.pm") =~ s{::}{/}g;
    $INC{$file} = '(set by Moose)' unless exists $INC{$file};
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
sub is_immutable { 0 }
sub _immutable { 1 }
my $IMMUTABLE;
sub make_immutable {
    my ($meta) = @_;
    $IMMUTABLE ||= do {
        my $name = 'Class::MOP::Class::Immutable::Class::MOP::Class';
        no strict 'refs';
        @{"${name}::ISA"} = ('Class::MOP::Class');
        *{"${name}::is_immutable"} = \&_immutable;
        $INC{'Class/MOP/Class/Immutable/Class/MOP/Class.pm'} = '(set by Moose)';
        $name;
    };
    return bless $meta, $IMMUTABLE;
}
1;
