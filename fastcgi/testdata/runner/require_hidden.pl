#!/usr/bin/perl
# Libraries required under names the source does not show (a string eval's
# require of a variable, Module::Load's load): a new process runs them on
# every request, so their globals are set and their output is there every
# time.
use Module::Load;
use FindBin;
our ($site_name, @menu);
print "Content-Type: text/plain\n\n";
my $conf = "$FindBin::Bin/lib/siteconf.pl";
eval "require \$conf" or die $@;
load "$FindBin::Bin/lib/banner.pl";
print "site: ", (defined $site_name ? $site_name : '(undef)'), "; menu: @menu\n";
