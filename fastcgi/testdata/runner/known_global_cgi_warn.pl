#!/usr/bin/perl
# CGI.pm loaded at run time (W3C's checklink: `require CGI` in its body)
# warns once per process of a param called in list context, counting
# $CGI::LIST_CONTEXT_WARN up: every request's new process warns again
# (the runner warned in the worker's first request only).
require CGI;
my $q = CGI->new;
my @v = $q->param('a');
print "Content-Type: text/plain\n\nv=@v\n";
