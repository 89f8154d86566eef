package LWP::UserAgent;
# Stand-in for LWP::UserAgent (LWP/Simple.pm's $ua): a hash with its
# default headers in an HTTP::Headers object, as the module keeps them;
# agent is the User-Agent header of those, with libwww-perl's name added
# after a trailing space.
use strict;
sub new {
    my $class = shift;
    my $self = bless { def_headers => HTTP::Headers->new, max_redirect => 7, timeout => 180,
        requests_redirectable => [qw(GET HEAD)], proxy => {}, no_proxy => [] }, $class;
    $self->agent('libwww-perl/6.68');
    return $self;
}
sub default_header {
    my $self = shift;
    return $self->{def_headers}->header(@_);
}
sub agent {
    my $self = shift;
    if (@_) {
        my $agent = shift;
        $agent .= 'libwww-perl/6.68' if defined $agent && $agent =~ / \z/;
        $self->{def_headers}->header('User-Agent' => $agent);
    }
    return $self->{def_headers}->header('User-Agent');
}
sub timeout { my $self = shift; $self->{timeout} = shift if @_; $self->{timeout} }
sub env_proxy {
    my $self = shift;
    $self->{proxy}{http} = $ENV{http_proxy} if $ENV{http_proxy};
}

package HTTP::Headers;
sub new { bless {}, shift }
sub header {
    my ($self, $name, @v) = @_;
    $name = lc $name;
    $self->{$name} = $v[0] if @v;
    return $self->{$name};
}
sub as_string {
    my $self = shift;
    return join '', map { "$_: $self->{$_}\n" } sort keys %$self;
}
1;
