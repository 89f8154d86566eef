#!/usr/bin/perl
# JSON::PP and JSON::XS: one request's settings (a canonical, pretty
# encoder kept in a global; $JSON::PP::true changed) must not reach the
# next request's output.
use JSON::PP;
use JSON::XS;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
if ($n == 0) { $JSON = JSON::PP->new->canonical->pretty; $JSON::PP::true = 'yes'; }
$JSON ||= JSON::PP->new;
%data = (b => 2, a => 1, c => [1, 2], t => JSON::PP::true);
print "Content-Type: application/json\n\n";
print $JSON->canonical->encode(\%data), "\n";
print JSON::XS->new->canonical->encode({ n => $n, t => JSON::XS::true, f => $JSON::PP::false }), "\n";
print "true: $JSON::PP::true\n";
