#!/usr/bin/perl -T
# Under -T, exec with the gateway's (tainted) PATH dies in the script, at
# the script's line, before anything runs; the script goes on.
print "Content-Type: text/plain\n\n";
my $ok = eval { exec "true"; 1 };
print "exec: ", ($ok ? "returned" : "refused: $@");
$ENV{PATH} = '/bin:/usr/bin';
$| = 1;
print "now exec with a clean PATH\n";
exec "echo", "from exec";
