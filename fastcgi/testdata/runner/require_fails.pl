#!/usr/bin/perl
# A module whose load dies is tried again by every request, as by a new
# process: the same error each time, never perl's "Attempt to reload ...
# aborted" (the runner leaves no %INC entry of the failed require), no
# "Subroutine redefined", and the module's array as the one load made it.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
print "Content-Type: text/plain\n\n";
for my $try (1, 2) {
    my $ok = eval { require Menshen::FailLoad; 1 };
    print "try $try: ", $ok ? "loaded\n" : "error: $@";
}
print "inc: ", exists $INC{'Menshen/FailLoad.pm'} ? 'listed' : 'none', "\n";
