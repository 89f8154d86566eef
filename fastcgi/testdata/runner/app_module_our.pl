#!/usr/bin/perl
# The application's own module (a relative `use lib`) keeps the user in
# package variables (`our $who`, `our @history`) that its sub sets.
use lib 'applib';
use AppMy::Login;
AppMy::Login::login("user$1") if ($ENV{QUERY_STRING} || '') =~ /\b[nq]=(\d*[13579])\b/;
print "Content-Type: text/plain\n\nyou are: ", AppMy::Login::who(), " (", scalar(@AppMy::Login::history), " logins)\n";
