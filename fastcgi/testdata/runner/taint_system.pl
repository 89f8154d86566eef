#!/usr/bin/perl -wT
# Under -T, system with the gateway's (tainted) PATH is refused at the
# script's line, in the message the script can print.
print "Content-Type: text/plain\n\n";
my $ok = eval { system "echo", "hi"; 1 };
print "system: ", ($ok ? "ran" : "refused: $@");
