#!/usr/bin/perl
# CGI::Simple's function interface keeps its query object in a lexical of
# its own, made at the first call: the next user's page must show their
# own form, not the first one's (testdata/site_perl/CGI/Simple/Standard.pm
# stands in for the module).
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use CGI::Simple::Standard qw(param);
print "Content-Type: text/plain\n\n";
print "n=", (param('n') // '-'), " all=", join(',', param()), "\n";
