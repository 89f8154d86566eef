#!/usr/bin/perl
# What a request may change in the interpreter itself is as in a new
# process for the next one: the format accumulator, $: and $^L, $^I, $^F,
# $^O, $^X and the C locale.
use POSIX qw(setlocale LC_ALL LC_CTYPE LC_NUMERIC);
print "Content-Type: text/plain\n\n";
print "A=[$^A] colon=", ($: eq " \n-" ? "default" : "changed"), " L=", ($^L eq "\f" ? "default" : "changed"), "\n";
print "I=", (defined $^I ? $^I : "undef"), " F=$^F O=$^O X=", ($^X =~ m{/perl[\d.]*\z} ? "perl" : $^X), "\n";
print "ctype=", setlocale(LC_CTYPE), " numeric=", setlocale(LC_NUMERIC), "\n";
formline("@>>>>", "x");
$: = " ";
$^L = "page";
$^I = ".bak";
$^F = 9;
$^O = "changed";
$^X = "/bin/false";
setlocale(LC_ALL, "C.UTF-8");
