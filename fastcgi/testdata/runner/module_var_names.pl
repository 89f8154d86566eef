#!/usr/bin/perl
# A module's variables named the Perl 4 way ($Pkg'var) or through a
# symbolic reference to a literal name (${"Pkg::var"}, @{"..."}, %{'...'},
# an element of one) are put back after each request, as those written
# $Pkg::var are: the count starts from 0 every time, and the next user
# does not find the first one's name (query 0 sets it).
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::Conf;
print "Content-Type: text/plain\n\n";
print "count=$Menshen'Conf'count\n";
$Menshen'Conf'count++;
print "user=", ${"Menshen::Conf::user"}, "\n";
print "list=", join(',', @{"Menshen::Conf::list"}), "\n";
print "h=", join(',', map { "$_=" . ${'Menshen::Conf::h'}{$_} } sort keys %{'Menshen::Conf::h'}), "\n";
if ($ENV{QUERY_STRING} eq '0') {
    ${"Menshen::Conf::user"} = 'alice';
    push @{"Menshen::Conf::list"}, 'alice';
    ${'Menshen::Conf::h'}{alice} = 1;
}
