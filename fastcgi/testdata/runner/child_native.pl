#!/usr/bin/perl
# child_native.pl: a script that reads ${^CHILD_ERROR_NATIVE} (perl's
# state, named with a control character in main::) stays in registry
# under auto: its value is no package variable of the script's.
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
system('sh', '-c', 'exit 3');
print "status: ", $? >> 8, " native: ", ${^CHILD_ERROR_NATIVE} >> 8, "\n";
