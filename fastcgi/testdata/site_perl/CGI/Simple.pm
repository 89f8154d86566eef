package CGI::Simple;
# A stand-in for CGI::Simple (libcgi-simple-perl): an object made from the
# request's query string, as new() parses the request it is made in.
use strict;

sub new {
    my ($class) = @_;
    my %p;
    for my $pair (split /[&;]/, $ENV{QUERY_STRING} // '') {
        my ($k, $v) = split /=/, $pair, 2;
        push @{ $p{$k} }, $v // '';
    }
    return bless { p => \%p }, $class;
}

sub param {
    my ($self, $name) = @_;
    return sort keys %{ $self->{p} } unless defined $name;
    my $v = $self->{p}{$name} or return;
    return wantarray ? @$v : $v->[0];
}

1;
