#!/usr/bin/perl
# Bareword handles the script opens are closed at its end as a process
# exit closes them (after STDOUT is flushed), even under names perl's main
# package already has (DATA, INC), and a handle's format state is a new
# process's on every request: the top-of-form comes again.
format LOG_TOP =
== header ==
.
format LOG =
@<<<<
$_
.
print "Content-type: text/plain\n\n";
open(LOG, '>&', \*STDOUT) or die "dup: $!";
write LOG for qw(a b);
close LOG;
open(DATA, '>&', \*STDOUT) or die "dup: $!";
print DATA "via DATA, never closed\n";
open(INC, '>&', \*STDOUT) or die "dup: $!";
print INC "via INC, never closed\n";
package Logger;
open(OUT, '>&', \*STDOUT) or die "dup: $!";
print OUT "via Logger::OUT, never closed\n";
package main;
print "via STDOUT\n";
