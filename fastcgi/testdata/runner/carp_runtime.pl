#!/usr/bin/perl
# CGI::Carp's fatalsToBrowser catches perl's own runtime errors through the
# $SIG{__DIE__} handler its import installed at compile time: on every
# request, in registry too (not only an explicit die, which it exports).
use CGI::Carp qw(fatalsToBrowser);
$! = 0;
$ENV{SERVER_ADMIN} = 'admin@example.com';
print "Content-Type: text/html\n\n";
print "handler: ", ref $SIG{__DIE__}, "\n";
my $zero = 0;
my $x = 1 / $zero;
print "never\n";
