#!/usr/bin/perl
# The first request requires a library that blocks PIPE, INT and TERM and
# leaves them blocked (the script's own source does not name the call):
# the next requests start with nothing blocked, as a new process does,
# and so do the programs they run.
print "Content-Type: text/plain\n\n";
sub blocked {
    open my $h, '<', '/proc/self/status' or die "status: $!";
    while (<$h>) { return $1 if /^SigBlk:\s*(\S+)/ }
}
my $child = `grep SigBlk /proc/self/status`;
print "start: ", blocked(), "; a program's $child";
my ($n) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
require './lib/savelib.pl' if $n == 0;
print "end: ", blocked(), "\n";
