package Menshen::Accessors;
# Makes accessors as closures in the class that asks (Class::Accessor).
use strict;
sub mk_accessors {
    my ($class, @names) = @_;
    no strict 'refs';
    for my $n (@names) {
        *{"${class}::$n"} = sub { my $s = shift; $s->{$n} = shift if @_; $s->{$n} };
    }
}
sub new { my ($class, $h) = @_; return bless {%{ $h || {} }}, $class }
1;
