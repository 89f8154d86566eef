package Menshen::Fresh;
# import makes a new hash for its importer every time, kept also as
# %Menshen::Fresh::Store::reg: the one of the last import is freed.
sub import {
    my $caller = caller;
    my %h = (init => 1);
    no strict 'refs';
    *{"Menshen::Fresh::Store::reg"} = \%h;
    *{"${caller}::reg"} = \%h;
}
1;
