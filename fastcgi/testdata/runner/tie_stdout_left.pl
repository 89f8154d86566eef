#!/usr/bin/perl
# STDOUT tied to capture a widget's output, and left tied at the end (the
# widget died, or the script never unties): what was printed before the
# tie, still in STDOUT's buffer, reaches the client, as a process's exit
# flushes it under the tie (step0: a die, step1: no untie, step2:
# untied).
package Cap;
sub TIEHANDLE { bless { buf => '' }, $_[0] }
sub PRINT { my $s = shift; $s->{buf} .= join '', @_; 1 }
package main;
print "Content-type: text/plain\n\n";
print "before capture\n";
my ($step) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
$step = ($step || 0) % 3;
tie *STDOUT, 'Cap';
print "<b>widget</b>";
die "widget failed\n" if $step == 0;
my $html = (tied *STDOUT)->{buf};
untie *STDOUT if $step == 2;
print "captured: [$html]\n";
