package Moo;
# Stand-in for Moo's class maker (moo_class.pl): it notes each class it
# made in %MAKERS and makes none of it again, as Moo.pm does: a second
# `use Moo` in a package exports no `has` and sets no @ISA.
use strict;
our %MAKERS;
sub import {
    my $target = caller;
    my $makers = $MAKERS{$target} ||= {};
    return $target if $makers->{is_class};
    $makers->{is_class} = 1;
    no strict 'refs';
    @{"${target}::ISA"} = ('Moo::Object');
    *{"${target}::has"} = sub {
        my ($name, %spec) = @_;
        *{"${target}::$name"} = sub { $_[0]{$name} //= $spec{default} ? $spec{default}->() : undef };
    };
}

package Moo::Object;
sub new { my ($class, %args) = @_; bless {%args}, $class }
1;
