#!/usr/bin/perl
# A report written to "/dev/stdout" (a report writer's default output
# file) after a write to fd 1 itself (a syswrite to STDOUT, or to a handle
# opened on fd 1), or after an earlier, longer report: in a CGI process fd
# 1 is a pipe, and every byte reaches the client once, in order. Each
# request one way (step0 .. step3).
use strict;
use warnings;
$| = 1;
print "Content-Type: text/plain\n\n";

sub report {
    open(REPORT, '>', '/dev/stdout') or die "cannot write /dev/stdout: $!";
    print REPORT @_;
    close(REPORT) or die "close: $!";
}

my ($step) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
$step = ($step || 0) % 4;
if ($step == 0) {
    syswrite(STDOUT, "a direct write\n");
    report("a report after a syswrite, longer than it\n");
} elsif ($step == 1) {
    open(FD1, '>&=1') or die "fd 1: $!";
    syswrite(FD1, "a write to a handle on fd 1\n");
    report("a report after it, longer than that write\n");
} elsif ($step == 2) {
    report("a first report, the longer of the two\n");
    print "between the reports\n";
    report("a second one\n");
} else {
    report("the only report\n");
}
print "end\n";
