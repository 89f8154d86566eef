#!/usr/bin/perl
# ${^LAST_FH} (the last-read handle) and $. start undefined in every
# request, also after one that left the last-read handle on a glob with no
# IO (tell(*none)): $. reads undef then, but ${^LAST_FH} does not.
use strict;
use warnings;
our $none;
print "Content-Type: text/plain\n\n";
print "start: last_fh=", (defined ${^LAST_FH} ? 'set' : 'undef'), " dot=", (defined $. ? $. : 'undef'), "\n";
{ no warnings; my $t = tell(*none); }
print "after tell: last_fh=", (defined ${^LAST_FH} ? 'set' : 'undef'), " dot=", (defined $. ? $. : 'undef'), "\n";
