#!/usr/bin/perl -T
# taint.pl: taint mode from the shebang line.
use strict;
use warnings;

print "Content-Type: text/plain\n\n";
print "taint=${^TAINT}\n";
my $q = $ENV{QUERY_STRING} // '';
my $ok = eval { open my $fh, '>', "/dev/null/$q"; 1 };
print "tainted open: ", ($ok ? "allowed" : ($@ =~ /Insecure/ ? "refused" : "failed")), "\n";
