package AppMy::Maker;
# An application's own module that makes classes at run time, once each
# (their @ISA set the first time it is asked for them, remembered in a
# file-scoped `my`), under its own package, beside a package of its file
# that holds only the subs it imports (Carp's).
use strict;
my %made;
sub hello { "hello from " . ref(shift) }
sub make {
    my ($name) = @_;
    my $class = join '::', __PACKAGE__, 'Gen', $name;
    unless ($made{$class}++) { no strict 'refs'; @{"${class}::ISA"} = (__PACKAGE__) }
    return bless {}, $class;
}
package AppMy::Maker::Util;
use Carp;
1;
