package CHI;
# Stand-in for CHI's Memory driver (cache_memory.pl): with global => 1
# every cache of the process shares the package hash
# %CHI::Driver::Memory::Global_Datastore, as CHI/Driver/Memory.pm does.
# The driver is loaded by the first new() that names it, as CHI does.
use strict;
sub new {
    my ($class, %opt) = @_;
    die "driver $opt{driver} not in the stand-in\n" unless $opt{driver} eq 'Memory';
    require CHI::Driver::Memory;
    return CHI::Driver::Memory->new(%opt);
}
1;
