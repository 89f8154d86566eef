package LWP::Simple;
# Stand-in for LWP::Simple's shared user agent (lwp_simple_agent.pl): one
# LWP::UserAgent made as the module loads, in the package variable $ua
# that `use LWP::Simple qw($ua)` exports, as LWP/Simple.pm does. get does
# not fetch: it says what a fetch would send.
use strict;
require Exporter;
use LWP::UserAgent ();
our $VERSION = '6.68';
our @EXPORT = qw(get);
our @EXPORT_OK = qw($ua);
sub import {
    my $pkg = shift;
    Exporter::export($pkg, scalar caller, @_);
}
our $ua = LWP::UserAgent->new;
$ua->agent("LWP::Simple/$VERSION ");
$ua->env_proxy;

sub get ($) {
    my ($url) = @_;
    return "GET $url\n" . $ua->{def_headers}->as_string;
}
1;
