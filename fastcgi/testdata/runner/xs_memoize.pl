#!/usr/bin/perl
# Memoize's caches: a memoized sub of the script must not answer a
# request with what it computed for the previous one.
use Memoize;
memoize('greeting');
sub greeting { my ($lang) = @_; return "hello from request $ENV{QUERY_STRING} in $lang" }
print "Content-Type: text/plain\n\n";
print greeting('en'), "\n";
