#!/usr/bin/perl
# Variables of a module's package that only a symbolic reference to a
# literal name makes (${"Mod::seen"}: its glob is made when the code runs,
# so it is not there before the first request): each request finds them
# as a new process does, absent, and the module's own as the module set
# them. For a module used at compile time, and for one each request
# loads at run time (its package not there before the first).
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::SymNew;
no strict 'refs';
my $q = $ENV{QUERY_STRING};
${"Menshen::SymNew::declared"} .= "d";
${"Menshen::SymNew::seen"} .= "x";
push @{"Menshen::SymNew::list"}, $q;
${"Menshen::SymNew::hash"}{"k$q"}++;
require Menshen::SymLate;
${"Menshen::SymLate::tag"} .= "x";
${"Menshen::SymLate::new"} .= "y";
push @{"Menshen::SymLate::list"}, "b$q";
print "Content-Type: text/plain\n\n";
print "declared=", ${"Menshen::SymNew::declared"}, " seen=", ${"Menshen::SymNew::seen"},
    " list=@{'Menshen::SymNew::list'} hash=", join(",", sort keys %{"Menshen::SymNew::hash"}), "\n";
print "late: tag=", ${"Menshen::SymLate::tag"}, " new=", ${"Menshen::SymLate::new"},
    " list=@{'Menshen::SymLate::list'}\n";
