#!/usr/bin/perl
# The application's own module lives in a lib directory beside the
# scripts' one, not under it (../siblib/SibApp/Auth.pm, through FindBin
# and `use lib`), as Foswiki's and many intranet applications' do: a
# request that logs nobody in is anonymous, as in a new process, not the
# previous request's user.
use FindBin qw($Bin);
use lib "$Bin/../siblib";
use SibApp::Auth;
SibApp::Auth::login("user$1") if ($ENV{QUERY_STRING} || '') =~ /\b[nq]=(\d*[13579])\b/;
print "Content-Type: text/plain\n\nyou are: ", SibApp::Auth::who(), "\n";
