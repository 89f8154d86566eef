#!/usr/bin/perl
# "Define once": a sub declared with `use subs` gets its body from a string
# eval on the first call of the process, closing over this request's
# lexical. Perl fills the declared sub in place (the same sub, now
# defined), so a registry compilation would show the first request's
# user to every later client; auto must switch to perlrun.
use subs qw(show_user);
my $user = $ENV{QUERY_STRING};
eval 'sub show_user { print "user: $user\n" } 1' or die $@ unless defined &show_user;
print "Content-Type: text/plain\n\n";
show_user();
