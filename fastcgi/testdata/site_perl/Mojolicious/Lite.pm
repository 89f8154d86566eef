package Mojolicious::Lite;
# Stand-in for Mojolicious::Lite (mojo_lite.pl): its import makes the
# script's application object and puts the keywords into the script's
# package as closures over it, as Mojolicious/Lite.pm does.
use strict;
sub import {
    my $caller = caller;
    my $app = bless { routes => [], mode => 'development' }, 'Mojolicious::Lite::App';
    no strict 'refs';
    *{"${caller}::get"} = sub { push @{ $app->{routes} }, [@_] };
    *{"${caller}::app"} = sub { $app };
}

package Mojolicious::Lite::App;
sub mode {
    my $self = shift;
    $self->{mode} = shift if @_;
    return $self->{mode};
}
sub dispatch {
    my ($self, $path) = @_;
    for my $r (@{ $self->{routes} }) {
        return $r->[1]->() if $r->[0] eq $path;
    }
    return 'not found';
}
1;
