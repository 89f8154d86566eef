#!/usr/bin/perl
# Locale::Maketext lexicons declared in the script itself. Maketext keeps
# (in a lexical of its own) references to each class's %Lexicon, and
# compiles the entries in place on their first use: a runner that wipes
# the script's packages must make it forget them.
use strict;
use warnings;

package My::L10N;
use base 'Locale::Maketext';
our %Lexicon = (_AUTO => 1);

package My::L10N::en;
use base 'My::L10N';
our %Lexicon = (Hello => 'Hello', '[quant,_1,file]' => '[quant,_1,file,files]');

package My::L10N::de;
use base 'My::L10N';
our %Lexicon = (Hello => 'Hallo', '[quant,_1,file]' => '[quant,_1,Datei,Dateien]');

package main;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
$n = 0 unless defined $n;
my $lang = $n % 2 ? 'de' : 'en';
my $lh = My::L10N->get_handle($lang) or die "no handle for $lang\n";
print "Content-Type: text/plain\n\n";
print $lh->maketext('Hello'), "\n";
print $lh->maketext('[quant,_1,file]', $n + 1), "\n";
