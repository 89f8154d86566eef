#!/usr/bin/perl -T
# Under -T, a module loaded at run time whose variable the script names:
# the runner asks a new perl what the module's load leaves in it. With
# the worker's environment and arguments tainted, that perl was refused
# ("Insecure $ENV{PATH}", then "Insecure dependency in piped open") and
# the worker died after the first answer (the next request found it gone).
require Data::Dumper;
print "Content-Type: text/plain\n\nindent=$Data::Dumper::Indent\n";
$Data::Dumper::Indent = 1;
