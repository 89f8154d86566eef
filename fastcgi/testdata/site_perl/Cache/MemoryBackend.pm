package Cache::MemoryBackend;
# Stand-in for Cache::MemoryBackend (Cache/MemoryCache.pm's store).
use strict;
my $Store_Ref = {};
sub new { bless {}, shift }
sub restore { my ($self, $ns, $key) = @_; return $self->_get_store_ref->{$ns}{$key} }
sub store { my ($self, $ns, $key, $data) = @_; $self->_get_store_ref->{$ns}{$key} = $data }
sub _get_store_ref { return $Store_Ref }
1;
