#!/usr/bin/perl
# Glob assignments on the first request only that cannot be undone by
# putting a variable back: a whole glob (*a = *b: a is b's from then
# on), a stash element, a format. A new process has none of them in the
# later requests; auto, which compiled the script once, makes it perlrun.
our ($a1, $b1, $t2, $s2);
my $first = $ENV{QUERY_STRING} =~ /0\z/;
print "Content-Type: text/plain\n\n";
*a1 = *b1 if $first;
$main::{s2} = \*t2 if $first;
*F = *G{FORMAT} if $first;
$b1 = "b-$ENV{QUERY_STRING}";
$t2 = "t-$ENV{QUERY_STRING}";
print "a1: ", (defined $a1 ? $a1 : '(none)'), "\n";
print "s2: ", (defined $s2 ? $s2 : '(none)'), "\n";
print "format F: ", (defined *F{FORMAT} ? "yes" : "no"), "\n";
format G =
g
.
