#!/usr/bin/perl
# system() writes to the response through fd 1, in order with perl's own
# (flushed) output; its status, failures and argument forms are perl's.
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
print "before\n";
system("echo from system");
print "status=$?\n";
my $rc = system('sh', '-c', 'echo list form; exit 3');
print "rc=$rc status=", $? >> 8, "\n";
$rc = system('/nonexistent/program', 'x');
print "missing: rc=$rc status=$? errno=", ($! + 0 ? 'set' : 'unset'), "\n";
$rc = system('exit 5; echo never');
print "shell exit: ", $? >> 8, "\n";
syswrite(STDOUT, "direct\n");
system("printf '%s' 'no newline'; echo ' then one'");
$rc = system('sh', '-c', 'kill -TERM $$');
print "signalled: ", $? & 127, "\n";
{
    local $SIG{CHLD} = 'IGNORE';
    $rc = system('true');
    print "under CHLD IGNORE: rc=$rc\n";
}
$! = 5;
system('true');
print "errno kept: ", ($! + 0), "\n";
$rc = system('exit 3');
print "no shell, no program: $rc\n";
print "after\n";
