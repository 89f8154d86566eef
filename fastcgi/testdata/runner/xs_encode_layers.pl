#!/usr/bin/perl
# use utf8 and an :encoding(UTF-8) layer on STDOUT set by one request
# only; the next must write its bytes as a fresh process would.
use utf8;
use Encode qw(encode decode);
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
binmode STDOUT, ':encoding(UTF-8)' if $n == 0;
print "Content-Type: text/plain; charset=utf-8\n\n";
$s = "caf\x{e9} \x{263a}";
{ no warnings; print $n == 0 ? $s : encode('UTF-8', $s), "\n"; }
print "latin1: ", "\x{e9}", "\n";
print "layers: ", join(',', PerlIO::get_layers(STDOUT)), "\n" if 0;
$/ = undef if $n == 0;
print "rs: ", (defined $/ ? length($/) : 'undef'), "\n";
