package AnonClassCache;
# Stand-in for Moose's anonymous classes (mop_anon_class_cache.pl): the
# first call makes a class Moose::Meta::Class::__ANON__::SERIAL::n by a
# string eval, as Class::MOP does, and keeps its name, as Moose keeps the
# anonymous class of each role combination; later calls reuse it.
use strict;
my ($serial, $cached) = (0);
sub instance {
    unless ($cached) {
        my $name = 'Moose::Meta::Class::__ANON__::SERIAL::' . ++$serial;
        eval "package $name; sub does { return \$_[1] eq 'Getopt' } 1" or die $@;
        $cached = $name;
    }
    return bless {}, $cached;
}
1;
