package Menshen::PageFilter;
# An output filter: STDOUT is tied as the module is imported, and finish
# unties it and prints the page it buffered, its body upper-cased.
sub import { tie *STDOUT, __PACKAGE__ }
sub TIEHANDLE { bless { buf => '' }, shift }
sub PRINT { my $s = shift; $s->{buf} .= join '', @_; 1 }
sub PRINTF { my $s = shift; my $f = shift; $s->{buf} .= sprintf $f, @_; 1 }
sub finish {
    my $tie = tied *STDOUT or return print "(STDOUT was not tied)\n";
    my $page = $tie->{buf};
    undef $tie;
    untie *STDOUT;
    my ($head, $body) = split /\n\n/, $page, 2;
    print "$head\n\n", uc $body;
}
1;
