#!/usr/bin/perl
# system() under $SIG{CHLD} = 'IGNORE' (the classic "no zombies" line):
# the kernel reaps the program, so perl's wait fails and system returns
# -1 with $? = -1 and $! = ECHILD. Without it, $! is left as it was.
$| = 1;
print "Content-Type: text/plain\n\n";
$! = 0;
my $r = system("true");
printf "default: returned %d, \$? = %d, \$! = %d\n", $r, $?, $! + 0;
$SIG{CHLD} = 'IGNORE';
for my $cmd ('true', 'echo from the program', 'exit 3') {
    $! = 0;
    $r = system($cmd);
    my ($st, $err) = ($?, $!);
    print "$cmd: returned $r, \$? = $st, \$! = '$err'\n";
}
system("true") == -1 and print "failed: $!\n";
