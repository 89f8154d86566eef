#!/usr/bin/perl
# CGI.pm, object and function interfaces: params never leak between requests.
use strict;
use CGI qw(:standard);
my $q = CGI->new;
print $q->header(-type => 'text/plain', -charset => 'utf-8');
print "name=", ($q->param('name') // 'none'), "\n";
print "fn=", (param('name') // 'none'), "\n";
print "post=", (param('p') // 'none'), "\n";
print "method=", request_method(), "\n";
