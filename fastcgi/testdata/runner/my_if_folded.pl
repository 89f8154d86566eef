#!/usr/bin/perl
# A `my` that perl compiles away with its statement (`my @visitors = ()
# if DEBUG` under `use constant DEBUG => 0`, `my ... while 0`, `(my $d)
# = () if 0`) leaves its variable in sight with no op to make it new. A
# process of its own starts with each one empty: every request counts 1,
# lists its own query only, and sees x for the first time.
use strict;
use warnings;
use constant DEBUG => 0;
my $q = $ENV{QUERY_STRING};
my @visitors = () if DEBUG;
push @visitors, $q;
my $count while 0;
$count++;
(my $last) = () if 0;
$last .= $q;
sub seen { my %seen = () if DEBUG; return $seen{ $_[0] }++ ? 'seen before' : 'first time' }
print "Content-Type: text/plain\n\nvisitors=@visitors\ncount=$count\nlast=$last\nx: ", seen('x'), "\n";
