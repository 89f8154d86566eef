#!/usr/bin/perl
# cgipm_status.pl: CGI.pm's -status with a reason phrase of its own, which
# reaches the client on the status line as under Apache.
use strict;
use warnings;
use CGI;

my $q = CGI->new;
print $q->header(-status => '404 Not Here', -type => 'text/plain');
print "nothing here: ", scalar $q->param('a') // 'no a', "\n";
