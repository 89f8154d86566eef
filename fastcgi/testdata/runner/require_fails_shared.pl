#!/usr/bin/perl
# A module whose load died in an earlier request loads in a later one
# with the settings another module (loaded as the script compiled) made
# in its package, as in a new process: the failed load's undoing takes
# only what that load made.
use strict;
use warnings;
use lib 'lib';
use Menshen::FailSetter;
print "Content-Type: text/plain\n\n";
if (eval { require Menshen::FailShared; 1 }) {
    print "seen=", Menshen::FailShared::seen(), "\n";
} else {
    print "error: $@";
}
