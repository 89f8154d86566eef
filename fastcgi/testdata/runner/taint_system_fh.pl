#!/usr/bin/perl -wT
# Under -T, system refused after a read from a handle: the message names
# the script's line and the handle's, as perl's does.
print "Content-Type: text/plain\n\n";
open(my $fh, '<', 'lib/words.txt') or die;
my $l = <$fh>;
my $ok = eval { system "echo", "hi"; 1 };
print "system: ", ($ok ? "ran" : "refused: $@");
$ENV{PATH} = '/bin:/usr/bin';
system "echo", $l;
