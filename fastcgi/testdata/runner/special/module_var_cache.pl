#!/usr/bin/perl
# module_var_cache.pl (white box): Menshen::Fresh gives the script a new
# module hash at each import, so under perlrun (an import per request)
# the runner learns a new module variable's address every request. It
# prints how many it remembers, which must stay bounded.
use strict;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Menshen::Fresh;
our %reg;
print "Content-Type: text/plain\n\n";
print "init=$reg{init} remembered=", scalar(keys %Menshen::Runner::MODULE_VAR), "\n";
