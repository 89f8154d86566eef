#!/usr/bin/perl
# background.pl leaves sleeps running in its process group and answers
# with their pids: one started through backticks, one through
# system("... &"), and with ?hold a third that keeps stdout open, with
# ?pgrp a third that moves to a process group of its own (setpgid, as
# coreutils timeout does) but stays in the session. A CGI
# process's group is killed once it has exited and its stdout has ended
# (a holder after 500 ms), so none may outlive the request in fastcgi mode
# either (C10).
$| = 1;
print "Content-Type: text/plain\n\n";
my $pid = `sleep 333 >/dev/null 2>&1 & echo \$!`;
print "backticks $pid";
print "system ";
system("sleep 334 >/dev/null 2>&1 & echo \$!");
if (($ENV{QUERY_STRING} // '') eq 'hold') {
    print "hold ";
    system("sleep 335 & echo \$!");
}
if (($ENV{QUERY_STRING} // '') eq 'pgrp') {
    my $pid = `perl -e 'setpgrp(0, 0); sleep 336' >/dev/null 2>&1 & echo \$!`;
    print "pgrp $pid";
    chomp $pid;
    # (Until it has moved: a kill before would find it in the group.)
    for (1 .. 300) {
        open(my $f, '<', "/proc/$pid/stat") or last;
        my @f = split ' ', (split /\) /, scalar <$f>)[1];
        last if $f[2] != getpgrp();
        select(undef, undef, undef, 0.01);
    }
}
