package Menshen::Filler;
# A stand-in for Text::Template's fill_in(PACKAGE => 'Letter', HASH =>
# \%vars): the hash's values become package variables of the package the
# caller names ($Letter::email), and the template reads them there.
use strict;
sub fill_in {
    my ($text, %o) = @_;
    my $pkg = $o{PACKAGE};
    no strict 'refs';
    for my $k (keys %{ $o{HASH} }) {
        my $v = $o{HASH}{$k};
        *{"${pkg}::$k"} = \$v;
    }
    $text =~ s/\{(\w+)\}/defined ${"${pkg}::$1"} ? ${"${pkg}::$1"} : '(none)'/ge;
    return $text;
}
1;
