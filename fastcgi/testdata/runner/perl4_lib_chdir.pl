#!/usr/bin/perl
# A Perl 4 library required at run time by a relative path, then the
# script changes to its data directory, as many do: what the library set
# up as it loaded is there for every request, as in a new process (under
# registry, which keeps it loaded, it is what a load from the script's
# own directory sets up).
require './lib/datelib.pl';
print "Content-Type: text/plain\n\n";
chdir('/') if $ENV{'QUERY_STRING'} =~ /^cd/;
$datelib'sep = '/';
print "first day: $datelib'DoW[0] of ", scalar(@datelib'DoW), ", Feb: $datelib'MoY{'Feb'}, date: ", &ymd(86400 * 40), "\n";
