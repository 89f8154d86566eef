#!/usr/bin/perl
# In-memory caches live as long as their process: a CGI process starts
# with an empty one, and the next user must not be served the previous
# user's entry (Cache::MemoryCache's store, a lexical of its backend;
# CHI's Memory driver with global => 1, a package hash; the modules in
# testdata/site_perl stand in for them).
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Cache::MemoryCache;
use CHI;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
$n //= 0;
my $mc = Cache::MemoryCache->new({ namespace => 'menu' });
my $chi = CHI->new(driver => 'Memory', global => 1);
my ($m, $c) = ($mc->get('menu'), $chi->get('menu'));
$mc->set('menu', "menu of user$n");
$chi->set('menu', "menu of user$n");
print "Content-Type: text/plain\n\n", "memorycache: ", $m // 'miss', "\nchi: ", $c // 'miss', "\n";
