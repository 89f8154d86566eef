#!/usr/bin/perl
# Charts as PNG: GD::Graph with a colour set by one request, Chart::Bars.
use GD::Graph::bars;
use Chart::Bars;
use Digest::MD5 qw(md5_hex);
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
binmode STDOUT;
print "Content-Type: text/plain\n\n";
my $g = GD::Graph::bars->new(200, 120);
$g->set(title => "n=$n", dclrs => [$n == 0 ? 'lred' : 'lblue']);
GD::Graph::colour::add_colour(corp => [1, 2, 3]) if $n == 0;
my $gd = $g->plot([[qw(a b c)], [1, 2 + $n, 3]]) or die $g->error;
print "gdgraph: ", md5_hex($gd->png), "\n";
my $c = Chart::Bars->new(200, 120);
$c->set(title => "c$n");
$c->set(colors => { dataset0 => [255, 0, 0] }) if $n == 0;
$c->add_dataset(qw(a b c)); $c->add_dataset(1, 2, 3 + $n);
open(my $fh, '>', \my $png); $c->png($fh); close $fh;
print "chart: ", length($png) > 100 ? md5_hex($png) : 'none', "\n";
