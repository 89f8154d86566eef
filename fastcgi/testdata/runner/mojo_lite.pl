#!/usr/bin/perl
# A Mojolicious::Lite application run as a CGI script (testdata/site_perl
# stands in): `use Mojolicious::Lite` makes the application object and
# the keywords are closures over it, so the routes and the mode the
# script's code sets as it runs are in no symbol table. Compiled once,
# each request added its route to the first request's object, whose
# callback (over that request's $hits) answered, and the first request's
# mode held for all: auto must go perlrun.
use strict;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Mojolicious::Lite;
my $hits = 0;
app->mode('production') if ($ENV{QUERY_STRING} // '') eq '0';
get '/' => sub { ++$hits; "hits=$hits routes=" . scalar(@{ app->{routes} }) . ' mode=' . app->mode };
print "Content-Type: text/plain\n\n", app->dispatch('/'), "\n";
