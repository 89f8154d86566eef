#!/usr/bin/perl
# require "name.pm" of a data file with no package line (awstats'
# browsers.pm, tooltips.pm...): loaded once per CGI process, so its
# variables and subs are there on every request.
use strict;
use vars qw(%ColorHash @ColorOrder);
use FindBin;
push @INC, "$FindBin::Bin/lib";
require "colors.pm";
print "Content-Type: text/plain\n\n";
print "colors=", scalar(@ColorOrder), " red=", ($ColorHash{red} // 'undef'), " count=", (defined &color_count ? color_count() : 'undef'), "\n";
