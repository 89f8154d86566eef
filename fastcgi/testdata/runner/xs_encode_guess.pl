#!/usr/bin/perl
# Encode::Guess keeps its default suspects in a file lexical: a request
# that adds Japanese encodings for a form must not change how the next
# request's guess_encoding decides.
use Encode::Guess;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
Encode::Guess->set_suspects(qw(euc-jp shiftjis 7bit-jis)) if $n == 0;
$g = guess_encoding("\xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\xa4\xcf");
print "Content-Type: text/plain\n\n";
print "guess: ", (ref $g ? $g->name : $g), "\n";
