#!/usr/bin/perl
# The source names variables of a module that another module loads only
# at run time (a DBI driver's $DBD::SQLite::VERSION on an "about" page):
# before the first request its package exists and is empty. The module's
# package must not be taken for the script's (auto deleted it when it
# switched to perlrun: a 502 for good), and its variables keep the values
# the module set as it loaded (they were reset to undef after a request).
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::Lazy;
our @users;
push @users, "u$ENV{QUERY_STRING}";
my $drv = Menshen::Lazy::driver('Drv');
print "Content-Type: text/plain\n\n";
print "users=@users\n";
print "driver made=", $drv->made, " version=", ($Menshen::Lazy::Drv::VERSION // 'undef'), "\n";
print "name=", ($Menshen::Lazy::Drv::NAME // 'undef'), "\n";
