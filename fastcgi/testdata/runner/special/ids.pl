#!/usr/bin/perl
# A root CGI whose library gives up root for the request (a config
# library's "never keep root longer than needed") or locks it in a
# directory: what a CGI process's exit ends. The script's own source does
# none of it, so it runs in the runner (TestRunner_IdsRestored).
print "Content-Type: text/plain\n\n";
my @root = stat '/';
print "uid $< euid $> gid $( egid $) root $root[0]:$root[1]\n";
do "./ids_lib.pl" or die "ids_lib.pl: ", $@ || $! if $ENV{QUERY_STRING};
