#!/usr/bin/perl
# cgipm.pl: a CGI.pm form handler (Debian libcgi-pm-perl).
use strict;
use warnings;
use CGI;

my $q = CGI->new;
print $q->header(-type => 'text/plain', -charset => 'utf-8');
for my $name (sort $q->param) {
    my @v = $q->multi_param($name);
    print "$name=", join(',', map { length > 20 ? length . ' bytes' : $_ } @v), "\n";
}
print "method ", $q->request_method, "\n";
