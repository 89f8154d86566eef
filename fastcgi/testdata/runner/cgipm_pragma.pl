#!/usr/bin/perl
# CGI.pm pragmas given at `use` (compile) time hold for every request, as
# in a CGI process: -nosticky (no .cgifields field after a checkbox) and
# -no_xhtml (HTML 4 doctype, no XML declaration), as gitweb uses them.
use strict;
use CGI qw(:standard -nosticky -no_xhtml);
my $q = CGI->new;
print $q->header(-type => 'text/html', -charset => 'utf-8');
print $q->start_html(-title => 'pragmas');
print $q->start_form(-method => 'get'), $q->checkbox(-name => 'sr', -value => 1, -label => 're'), $q->end_form, "\n";
print $q->end_html, "\n";
