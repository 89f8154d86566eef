#!/usr/bin/perl
# A module whose load died in an earlier request loads in a later one
# with the settings the script made in its package before requiring it,
# as the script compiled (once, under registry) or as it ran: the failed
# load's undoing must not take them.
use strict;
use warnings;
no warnings 'once';
use lib 'lib';
BEGIN { $Menshen::FailPreset::DEBUG = 'on'; @Menshen::FailPreset::PLUGINS = ('a', 'b') }
$Menshen::FailPreset::OPT{x} = 1;
print "Content-Type: text/plain\n\n";
if (eval { require Menshen::FailPreset; 1 }) {
    print "seen=", Menshen::FailPreset::seen(), "\n";
} else {
    print "error: $@";
}
