#!/usr/bin/perl
# The first request adds an operation to a module's table (a hash held in
# a package scalar) and an entry to its list: the next requests, like new
# processes, must not find them.
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::Ops;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
if (!$n) {
    $Menshen::Ops::OPS->{shout} = sub { uc($_[0]) . '!' };
    push @$Menshen::Ops::ORDER, 'shout';
}
print "Content-Type: text/plain\n\n";
print join(',', sort keys %$Menshen::Ops::OPS), ' / ', join(',', @$Menshen::Ops::ORDER), "\n";
print Menshen::Ops::apply('shout', 'bob'), "\n";
