#!/usr/bin/perl
# Never ends, and leaves a grandchild: only a group kill ends both.
$| = 1;
print "Content-Type: text/plain\n\nstarted\n";
system("sleep 300 &");
1 while 1;
