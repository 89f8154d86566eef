#!/usr/bin/perl
# Crypt::CBC, Text::CSV (its backend), YAML, Cache::FastMmap in a file.
use Crypt::CBC;
use Text::CSV;
use YAML;
use Cache::FastMmap;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
print "Content-Type: text/plain\n\n";
my $c = Crypt::CBC->new(-key => '0123456789abcdef', -cipher => 'Crypt::Cipher::AES', -pbkdf => 'pbkdf2', -salt => '12345678', -iv => 'abcdefghijklmnop', -header => 'none') ;
print "cbc: ", unpack('H*', $c->encrypt("secret $n")), "\n";
$YAML::Indent = 4 if $n == 0;
print Dump({ b => 1, a => [1, 2] });
my $csv = Text::CSV->new({ binary => 1, eol => "\n" });
$csv->combine("a$n", 'b "q"', 'c,d'); print $csv->string;
print "backend: ", Text::CSV->backend, "\n";
my $cache = Cache::FastMmap->new(share_file => "/tmp/menshen-xs-fmm-$$", init_file => 1, unlink_on_exit => 1);
print "cache: ", (defined $cache->get('k') ? 'hit' : 'miss'), "\n";
$cache->set(k => $n);
