#!/usr/bin/perl
# A state sub is made once, closing over the lexicals of the first run of
# its scope: a new process makes it with its own request's $user.
use feature 'state';
my $user = $ENV{QUERY_STRING};
state sub greeting { return "hello $user" }
print "Content-Type: text/plain\n\n";
print greeting(), "\n";
