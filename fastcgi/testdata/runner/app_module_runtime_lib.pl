#!/usr/bin/perl
# The application's own module in a lib beside the scripts' directory,
# put in @INC as the script runs rather than as it compiles (an unshift
# and a require, no `use lib`): a request that logs nobody in is
# anonymous, as in a new process, not the previous request's user.
use FindBin qw($Bin);
unshift @INC, "$Bin/../siblib";
require SibApp::Auth;
SibApp::Auth::login("user$1") if ($ENV{QUERY_STRING} || '') =~ /\b[nq]=(\d*[13579])\b/;
print "Content-Type: text/plain\n\nyou are: ", SibApp::Auth::who(), "\n";
