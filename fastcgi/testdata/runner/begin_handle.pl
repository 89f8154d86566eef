#!/usr/bin/perl
# A handle opened at compile time (a BEGIN block's log) writes in every
# request: under registry, whose compilation is done once, it stays open.
package MyLog;
BEGIN { open(MYLOG, '>>', '/dev/null') or die "open: $!" }
sub log { print MYLOG @_ }
package main;
BEGIN { open(MAINLOG, '>>', '/dev/null') or die "open: $!" }
my $ok = MyLog::log("x\n");
my $ok2 = print MAINLOG "y\n";
print "Content-Type: text/plain\n\nlogged=", ($ok ? 1 : 0), ($ok2 ? 1 : 0), "\n";
