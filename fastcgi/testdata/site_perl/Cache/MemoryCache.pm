package Cache::MemoryCache;
# Stand-in for Cache::MemoryCache (cache_memory.pl): every cache object of
# the process shares one store, a file lexical of Cache::MemoryBackend
# reached through its _get_store_ref, as Cache/MemoryBackend.pm keeps it.
use strict;
use Cache::MemoryBackend;
sub new {
    my ($class, $opt) = @_;
    return bless { namespace => $opt->{namespace} // 'Default', backend => Cache::MemoryBackend->new }, $class;
}
sub get { $_[0]{backend}->restore($_[0]{namespace}, $_[1]) }
sub set { $_[0]{backend}->store($_[0]{namespace}, $_[1], $_[2]) }
1;
