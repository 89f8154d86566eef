#!/usr/bin/perl
# A module whose load died in an earlier request loads in a later one, as
# in a new process, and the script's own references to its variables
# (compiled before: $Menshen::FailOnce::name) see what that load set; its
# array holds the one load, its subs are not "redefined".
use strict;
use warnings;
no warnings 'once';
use lib 'lib';
print "Content-Type: text/plain\n\n";
if (eval { require Menshen::FailOnce; 1 }) {
    print "name=$Menshen::FailOnce::name sub=", Menshen::FailOnce::name(),
        " loads=", scalar(@Menshen::FailOnce::LOADS), " limit=", Menshen::FailOnce::LIMIT(), "\n";
} else {
    print "error: $@";
}
