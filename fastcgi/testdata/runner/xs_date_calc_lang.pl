#!/usr/bin/perl
# Date::Calc's language (Language(Decode_Language("Deutsch"))) is a C
# global of Date::Calc::XS: a German page must not make the next page's
# month names German.
use Date::Calc qw(Language Decode_Language Month_to_Text Date_to_Text);
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
Language(Decode_Language("Deutsch")) if $n == 0;
print "Content-Type: text/plain\n\n";
print "month: ", Month_to_Text(3), "\n";
print "date: ", Date_to_Text(2026, 3, 1), "\n";
print "lang: ", Language(), "\n";
