#!/usr/bin/perl
# Perl leaves the names ${^_...} to programs: ${^_LAST}, @{^_SEEN} and
# %{^_COUNT} are the script's package variables like any other, in main::
# under a name that starts with a control character. A new process starts
# with each one empty: every request shows its own query only.
use strict;
use warnings;
my $q = $ENV{QUERY_STRING};
${^_LAST} .= "$q;";
push @{^_SEEN}, $q;
${^_COUNT}{$q}++;
print "Content-Type: text/plain\n\nscalar=${^_LAST}\narray=@{^_SEEN}\nhash=",
    join(',', map { "$_:" . ${^_COUNT}{$_} } sort keys %{^_COUNT}), "\n";
