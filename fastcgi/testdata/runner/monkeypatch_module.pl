#!/usr/bin/perl
# Replaces a module's sub for one request (alice's), with a closure over
# her name: the next user gets the module's own sub again, as in a new
# process (the patch, and alice's name, stayed in every isolation).
use strict;
use Text::Wrap qw(wrap);
my $user = $ENV{QUERY_STRING} eq '0' ? 'alice' : undef;
if (defined $user) {
    no warnings 'redefine';
    *Text::Wrap::wrap = sub { "[$user] " . join('', @_[2 .. $#_]) };
}
no strict 'refs';
*{"Text::Wrap::fill"} = sub { "filled by $user" } if defined $user;
print "Content-Type: text/plain\n\n";
print Text::Wrap::wrap('', '', 'public notice'), "\n";
print Text::Wrap::fill('', '', 'para'), "\n";
