#!/usr/bin/perl
# cpan_tree.pl (white box): a module of a CPAN install tree that the
# script's `use lib` names (../../siblib/perl5, as local::lib's
# ~/perl5/lib/perl5) is a library, not the application's: kept loaded,
# its counter goes on from request to request.
use FindBin qw($Bin);
use lib "$Bin/../../siblib/perl5";
use SibLib::Count;
print "Content-Type: text/plain\n\nn=", SibLib::Count::next_n(), "\n";
