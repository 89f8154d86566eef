#!/usr/bin/perl
# A module that ties STDOUT as it is imported (an output filter, which the
# script's end unties to print the page it buffered): each CGI process
# ties it anew. A compilation that ties a standard handle cannot be
# compiled once: every request after the first wrote its page unfiltered.
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::PageFilter;
print "Content-Type: text/plain\n\n";
print "a page to filter\n";
Menshen::PageFilter::finish();
