#!/usr/bin/perl
# lexical_sub.pl: a file-scope lexical captured by a named sub ("Variable
# will not stay shared" under mod_perl's Registry).
use strict;
use warnings;

my $q = $ENV{QUERY_STRING} // '';
my @log = ("start");

sub show {
    push @log, "show";
    print "query=$q\n";
    print "log=@log\n";
}

print "Content-Type: text/plain\n\n";
show();
