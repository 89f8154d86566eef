#!/usr/bin/perl
# The application's own module (applib/AppMy/Auth.pm, loaded through
# FindBin and `use lib`) keeps the logged-in user in a file-scoped `my`
# that its sub sets: a request that logs nobody in is anonymous, as in a
# new process, not the previous request's user.
use FindBin qw($Bin);
use lib "$Bin/applib";
use AppMy::Auth;
AppMy::Auth::login("user$1") if ($ENV{QUERY_STRING} || '') =~ /\b[nq]=(\d*[13579])\b/;
print "Content-Type: text/plain\n\nyou are: ", AppMy::Auth::who(), "\n";
