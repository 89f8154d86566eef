#!/usr/bin/perl
# A module the script loads at run time fills a hash and an array as it
# loads, which its own subs read; the script names them (here only in a
# statement that never runs), so the runner watches them. Each request
# finds them as a new process does after its `require`: filled, and not
# with what the last request added.
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
require Menshen::ReqTable;
my $q = $ENV{QUERY_STRING};
push @Menshen::ReqTable::ORDER, "x$q";
$Menshen::ReqTable::CODES{"x$q"} = "Xland";
%Menshen::ReqTable::CODES = () if 0;
print "Content-Type: text/plain\n\n";
print "de=", Menshen::ReqTable::country("de"), " known=", scalar(keys %Menshen::ReqTable::CODES),
    " order=@Menshen::ReqTable::ORDER\n";
