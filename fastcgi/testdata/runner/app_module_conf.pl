#!/usr/bin/perl
# An application's own module that only reads the configuration it built
# as it loaded: auto keeps the script compiled once.
use strict;
use lib 'applib';
use AppMy::Conf;
print "Content-Type: text/plain\n\n";
print "$_=", AppMy::Conf::get($_), "\n" for AppMy::Conf::keys_in_order();
print "limit=", AppMy::Conf::LIMIT, " version=$AppMy::Conf::VERSION query=", ($ENV{QUERY_STRING} || ''), "\n";
