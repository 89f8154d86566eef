package CGI::Simple::Standard;
# A stand-in for CGI::Simple::Standard (libcgi-simple-perl), CGI::Simple's
# function interface, as it keeps its object: in a file lexical of its
# loader, made at the first call, and stubs it writes into the caller's
# package that call the object from then on.
use strict;
use CGI::Simple;

sub import {
    my ($class, @subs) = @_;
    my $package = caller;
    no strict 'refs';
    for my $sub (@subs) {
        *{"${package}::$sub"} = sub { loader($package, $sub, @_) };
    }
}

{
    my $q;

    sub loader {
        my $package = shift;
        my $sub     = shift;
        $q = CGI::Simple->new unless $q;
        no strict 'refs';
        no warnings 'redefine';
        *{"${package}::$sub"} = sub { $q->$sub(@_) };
        return &{"${package}::$sub"};
    }
}

1;
