#!/usr/bin/perl
# A dup of STDOUT kept in a package variable writes into its own request's
# answer, after STDOUT (as a process's exit flushes them), never into the
# next request's.
package Logger;
our $OUT;
open($OUT, '>&', \*STDOUT) or die "dup: $!";
sub say { print $OUT @_ }
package main;
print "Content-Type: text/plain\n\n";
Logger::say("log line\n");
print "main\n";
