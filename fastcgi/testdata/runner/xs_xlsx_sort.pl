#!/usr/bin/perl
# An .xlsx built in memory (Excel::Writer::XLSX), sort with $a/$b in a
# package of the script, LANG from the request's environment.
use Excel::Writer::XLSX;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
package Sorter;
sub by_num { $a <=> $b }
sub sorted { return sort by_num @_ }
package main;
open(my $fh, '>', \my $xlsx) or die;
my $wb = Excel::Writer::XLSX->new($fh);
$wb->set_properties(created => [0, 0, 0, 1, 0, 126]);
my $ws = $wb->add_worksheet("S$n");
$ws->write(0, 0, "cell $n");
$wb->set_custom_color(40, '#123456') if $n == 0;
my $f = $wb->add_format(color => 40); $ws->write(1, 0, 'x', $f);
$wb->close;
print "Content-Type: text/plain\n\n";
use Digest::MD5 qw(md5_hex); print "xlsx ", length($xlsx), " ", md5_hex($xlsx), "\n";
print "sorted: ", join(',', Sorter::sorted(10, 9, 100, $n)), "\n";
$ENV{LANG} = 'de_DE.UTF-8' if $n == 0;
print "lang: ", (defined $ENV{LANG} ? $ENV{LANG} : 'unset'), "\n";
