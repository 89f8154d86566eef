#!/usr/bin/perl -t
# -t: exec with the gateway's (tainted) PATH warns at the script's line
# and runs.
print "Content-Type: text/plain\n\n";
$| = 1;
exec "echo", "from exec";
