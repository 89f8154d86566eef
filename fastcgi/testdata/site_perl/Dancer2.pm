package Dancer2;
# Stand-in for Dancer2's registry of apps (dancer2_app.pl): its runner,
# in $Dancer2::runner, keeps the app of each package that said `use
# Dancer2`, and a later `use Dancer2` in that package takes the app it
# finds there, as Dancer2.pm's import does. The keywords are closures
# over that app.
use strict;
our $runner;
sub import {
    my $caller = caller;
    $runner ||= bless { apps => [], postponed_hooks => {} }, 'Dancer2::Runner';
    my ($app) = grep { $_->{name} eq $caller } @{ $runner->{apps} };
    unless ($app) {
        $app = bless { name => $caller, routes => [] }, 'Dancer2::App';
        push @{ $runner->{apps} }, $app;
    }
    no strict 'refs';
    *{"${caller}::get"} = sub { push @{ $app->{routes} }, [@_] };
    *{"${caller}::app"} = sub { $app };
    *{"${caller}::to_app"} = sub {
        my $a = $app;
        return sub {
            my ($path) = @_;
            for my $r (@{ $a->{routes} }) {
                return $r->[1]->() if $r->[0] eq $path;
            }
            return 'not found';
        };
    };
}
1;
