#!/usr/bin/perl
# A CGI::Application class callback the script adds as it runs
# (`__PACKAGE__->add_callback` at file scope) is in the module's own
# lexical: a new process has it once, and a closure is a new callback at
# every run, so a worker that kept it showed one comment per earlier
# request.
use strict;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
package Audit;
use parent 'CGI::Application';
my $label = "audit $ENV{QUERY_STRING}";
__PACKAGE__->add_callback('postrun', sub { ${ $_[1] } .= "<!-- $label -->\n" });
package main;
Audit->new->run;
