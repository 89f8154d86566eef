#!/usr/bin/perl
# A heavy report that is polite the shell's way: it renices itself by
# its pid (renice -n 5 -p $$). A CGI process's priority dies with it:
# every request starts at the one the server runs with.
print "Content-Type: text/plain\n\n";
print "priority at start: ", getpriority(0, 0), "\n";
# Only where a process may raise its priority again (CAP_SYS_NICE, as root
# has it): elsewhere the runner cannot put it back, and ends the worker
# after such a request (TestRunner_NiceRetires).
open(my $status, '<', '/proc/self/status') or die "no /proc: $!";
my ($cap) = map { /^CapEff:\s*([0-9a-f]+)/ ? hex(substr($1, -8)) : () } <$status>;
if ($cap & (1 << 23)) {
    system("renice -n 5 -p $$ >/dev/null") == 0 or die "renice: $?";
}
print "priority now: ", getpriority(0, 0), "\n";
