#!/usr/bin/perl
# Loads a module at run time for some users only and sets its variables
# for them (`$Mod::who ||= $user`): the next user starts from what the
# module sets as it loads (nothing here), not from the last user's value.
# A package no module defines ($Session::owner) is fresh for every user.
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
my $q = $ENV{QUERY_STRING};
my $user = $q eq '0' ? 'alice' : $q eq '1' ? 'bob' : undef;
if ($user) {
    require Menshen::Bare;
    $Menshen::Bare::who ||= $user;
    push @Menshen::Bare::seen, $user;
    $Session::owner = $user;
}
print "Content-Type: text/plain\n\n";
print "who=", ($Menshen::Bare::who // 'undef'), " seen=", scalar(@Menshen::Bare::seen), " owner=", ($Session::owner // 'none'), "\n";
