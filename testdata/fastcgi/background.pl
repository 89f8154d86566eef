#!/usr/bin/perl
# background.pl leaves sleeps running in its process group and answers
# with their pids: one started through backticks, one through
# system("... &"), and with ?hold a third that keeps stdout open. A CGI
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
