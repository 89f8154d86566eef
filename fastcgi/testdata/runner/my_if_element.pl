#!/usr/bin/perl
# A `my` that may not run (my_if.pl) whose variable the script then uses
# by element only: perl compiles `$prefs->{last}` or `$slots[$i]` to one
# op (multideref) that names the variable in a list of its own, not in
# the slot where other ops name it; and `my @parts = split ...` leaves no
# op declaring @parts but the split itself. A new process starts with
# each one empty: every request shows its own query only.
use strict;
use warnings;
my $q = $ENV{QUERY_STRING};
my $prefs = { lang => 'en' } if $ENV{HTTP_COOKIE};
$prefs->{last} = $q unless $prefs->{last};
my @slots = () if $ENV{HTTP_X_RESET};
my $i = 0;
$slots[$i] .= "$q;";
my @parts = split /,/, $ENV{HTTP_X_PARTS} if $ENV{HTTP_X_PARTS};
push @parts, $q;
print "Content-Type: text/plain\n\nlast=$prefs->{last}\nslots=$slots[$i]\nparts=@parts\n";
