package Menshen::LazyTable;
# A module that fills its table of handlers lazily, on first use, and
# remembers in a lexical of its own which ones it made: the table and the
# lexical must stay in step across requests.
use strict;
our $HANDLERS = {};
my %made;
sub handler {
    my ($name) = @_;
    $HANDLERS->{$name} = sub { "h-$name" } unless $made{$name}++;
    return $HANDLERS->{$name}->();
}
1;
