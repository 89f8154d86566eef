#!/usr/bin/perl
# A heavy report that is polite: it lowers its own priority, which a
# process without CAP_SYS_NICE can never raise again.
print "Content-Type: text/plain\n\n";
print "priority at start: ", getpriority(0, 0), "\n";
setpriority(0, 0, getpriority(0, 0) + 5) or die "setpriority: $!" if $ENV{QUERY_STRING} eq 'heavy';
