#!/usr/bin/perl
# A module that makes a package with a string eval as it loads (JSON.pm's
# JSON::Backend::XS): the package is the module's. The global object makes
# auto switch to perlrun after the first request; the module's package
# must still be there for the second and third (a 502 before).
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::EvalBackend;
our $coder = Menshen::EvalBackend->new(7);
print "Content-Type: text/plain\n\n";
print $coder->encode($ENV{QUERY_STRING}), "\n";
