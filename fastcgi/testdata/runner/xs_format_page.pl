#!/usr/bin/perl
# A report written with formats: STDOUT's page state ($- lines left, $%
# page number) is the handle's and starts afresh in each process.
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
format STDOUT_TOP =
Name       Qty   page @<
$%
---------------------
.
format STDOUT =
@<<<<<<<<< @>>>
$name,     $qty
.
$= = 6;
print "Content-Type: text/plain\n\n";
for (1 .. 3 + $n) { ($name, $qty) = ("item$_", $_ * 10); write; }
print "lines left: $-\n";
