#!/usr/bin/perl -T
# Under taint checks too, what syswrite puts on STDOUT streams (C8): the
# client reads "first" (tainted data: syswrite takes it) while the script
# sleeps, with no print after it.
use strict;
use warnings;
my $tainted = substr($ENV{QUERY_STRING} // '', 0, 0);
syswrite STDOUT, "Content-Type: text/plain\n\n";
syswrite(STDOUT, "first\n$tainted");
sleep 2;
syswrite(STDOUT, "second\n");
