#!/usr/bin/perl
# With $| set every print goes out at once (the runner's shortest path);
# what reaches fd 1 directly in between (syswrite, POSIX::write, a child's
# output) must come out in the order it was written, as from a process's
# pipe, and $! stays the script's.
use POSIX ();
$| = 1;
print "Content-Type: text/plain\n\n";
open(my $none, '<', '/nonexistent/file');
my $err = $! + 0;
for my $i (1 .. 40) {
    print "print $i\n";
    syswrite(STDOUT, "syswrite $i\n") if $i % 7 == 0;
    POSIX::write(1, "posix $i\n", length "posix $i\n") if $i % 11 == 0;
    system("echo child $i") if $i % 13 == 0;
}
print "errno kept: ", ($! + 0 == $err ? "yes" : "no"), "\n";
print "w" x 70000, "\n";
print "done\n";
