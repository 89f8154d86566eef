package CGI::Application;
# A stand-in for CGI::Application 4 (libcgi-application-perl), core Perl
# only, as far as its class-level callbacks go: they live in a file
# lexical of the module, %INSTALLED_CALLBACKS (hook => {class =>
# [callbacks]}), and call_hook runs each distinct one once.
use strict;
my %INSTALLED_CALLBACKS = (postrun => { 'CGI::Application' => ['cgiapp_postrun'] });
sub new { my $class = shift; return bless {@_}, ref $class || $class }
sub cgiapp_postrun { }
sub add_callback {
    my ($self, $hook, $cb) = @_;
    my $class = ref $self || $self;
    push @{ $INSTALLED_CALLBACKS{$hook}{$class} }, $cb;
}
sub call_hook {
    my ($self, $hook, @args) = @_;
    my %done;
    for my $class ('CGI::Application', ref $self) {
        for my $cb (@{ $INSTALLED_CALLBACKS{$hook}{$class} || [] }) {
            next if $done{$cb}++;
            $self->$cb(@args);
        }
    }
}
sub run {
    my $self = shift;
    my $body = "page\n";
    $self->call_hook('postrun', \$body);
    print "Content-Type: text/plain\n\n", $body;
}
1;
