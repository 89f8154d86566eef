#!/usr/bin/perl
# Text::Template's fill_in(PACKAGE => 'Letter', HASH => \%vars) puts the
# request's fields in package Letter: a new process has it empty, so a
# field one request leaves out is "(none)" there, not the previous
# request's value.
use strict;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Menshen::Filler;
my $q = $ENV{QUERY_STRING};
my %vars = (name => "user$q");
$vars{email} = "user$q\@example.com" if $q % 2 == 0;
print "Content-Type: text/plain\n\n";
print Menshen::Filler::fill_in("Dear {name}, we write to {email}.\n", PACKAGE => 'Letter', HASH => \%vars);
