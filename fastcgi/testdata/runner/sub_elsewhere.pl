#!/usr/bin/perl
# A sub the script defines in a package that is not its own (UNIVERSAL
# here) is defined once per process, as in CGI: no "redefined", fatal
# under FATAL warnings.
use strict;
use warnings FATAL => 'all';
sub UNIVERSAL::describe { ref($_[0]) || $_[0] }
print "Content-Type: text/plain\n\n";
print main->describe, "\n";
