#!/usr/bin/perl
# stat_cache_print.pl: printing to STDOUT leaves the script's stat cache
# (`_`) and its last-read handle ($.) alone, with $| set (every print goes
# out at once) and with output that reached fd 1 directly (syswrite,
# a child's output) before it.
use strict;
use warnings;

$| = 1;
print "Content-Type: text/plain\r\n\r\n";
open(my $fh, '<', $0) or die "$0: $!";
my $first = <$fh>;
my $second = <$fh>;
if (-e $0) {
    print "exists\n";
    print "size from _: ", (-s _), " of ", (-s $0), "\n";
}
syswrite(STDOUT, "direct\n");
system('echo child');
print "line: $.\n";
stat($0);
print "after direct output\n";
print "size from _: ", (-s _), " of ", (-s $0), "\n";
print "line: $.\n";
# A program whose own background job keeps its output open.
stat($0);
system('sleep 0.2 &');
print "after a background job: size from _: ", (-s _), " of ", (-s $0), "\n";
