#!/usr/bin/perl
# `each` on the array of a `use constant`: its iterator is the constant's,
# which a new process has at the start for every request.
use strict;
use warnings;
use constant FIELDS => [qw(name)];
use constant TABLE => { only => 1 };
print "Content-Type: text/plain\n\n";
my ($i, $f) = each @{+FIELDS};
my ($k) = each %{+TABLE};
print "first field: ", (defined $f ? "$i=$f" : "(none)"), "\n";
print "first key: ", (defined $k ? $k : "(none)"), "\n";
