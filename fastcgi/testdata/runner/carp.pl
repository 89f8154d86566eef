#!/usr/bin/perl
# CGI::Carp fatalsToBrowser prints its page as under CGI.
use CGI::Carp qw(fatalsToBrowser);
$! = 0;
$ENV{SERVER_ADMIN} = 'admin@example.com';
die "carped failure\n";
