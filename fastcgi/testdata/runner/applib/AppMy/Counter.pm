package AppMy::Counter;
# An application's own module whose state no named sub captures itself:
# a `state` variable, a counter behind a closure kept in a lexical (a
# private method), and a closure in a package dispatch table
# (app_module_state.pl).
use strict;
use feature 'state';
sub hit {
    my ($who) = @_;
    state %seen;
    $seen{$who}++;
    return join(',', sort keys %seen);
}
my $next_id = do { my $n = 0; sub { ++$n } };
sub id { $next_id->() }
my %shown;
our %ACTIONS = (show => sub { $shown{ $_[0] }++; scalar keys %shown });
1;
