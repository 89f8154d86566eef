#!/usr/bin/perl
# A module loaded at run time that makes an object as it loads, which the
# script names (as `require LWP::Simple; $LWP::Simple::ua->agent`): the
# variable was put back to undef after the first request, and every later
# request died calling a method on it.
use strict;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
require Menshen::UaHolder;
print "Content-Type: text/plain\n\nagent: ", $Menshen::UaHolder::ua->agent, "\n";
