#!/usr/bin/perl
# A module file that defines several packages, whose load died in an
# earlier request, loads in a later one as in a new process: none of its
# packages' subs is "redefined", its arrays hold the one load.
use strict;
use warnings;
no warnings 'once';
use lib 'lib';
print "Content-Type: text/plain\n\n";
if (eval { require Menshen::FailMulti; 1 }) {
    print Menshen::FailMulti::name(), " ", Menshen::FailMulti::Util::twice('ab'), " ",
        Menshen::FailMultiHelper::help(), " made=", Menshen::FailMulti::Util::made(), "\n";
} else {
    print "error: $@";
}
