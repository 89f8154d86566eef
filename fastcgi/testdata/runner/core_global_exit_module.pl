#!/usr/bin/perl
# core_global_exit.pl with the override of exit made by a module as it
# loads: the module's in every CGI process, and in a worker, which loads
# it once, from its first request on.
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Menshen::OwnExit;
print "Content-Type: text/plain\n\n";
print "hello\n";
exit 3;
print "after\n";
