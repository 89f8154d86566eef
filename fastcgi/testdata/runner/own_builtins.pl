#!/usr/bin/perl
# A script's own subs named system and syswrite (the builtins the runner
# takes over for streaming, C8) are not what a call of the name runs: perl
# runs its builtin, and &name runs the script's sub, as in a CGI process.
# (No "Ambiguous call" warnings: registry compiles once, and warns once.
# The prototype keeps `sub system {` from reading as system's indirect
# object form, which the gateway serves per request.)
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
$| = 1;
sub syswrite { print "own syswrite: $_[1]"; return 0 }
sub system (@) { print "own system: @_\n"; return 0 }
{
    no warnings 'ambiguous';
    my $r = syswrite(STDOUT, "builtin syswrite\n");
    print "r=$r\n";
    $r = system("echo", "builtin system");
    print "r=$r\n";
}
&syswrite(*STDOUT, "called with &\n");
&system("called", "with &");
print "defined: ", (defined &syswrite ? 1 : 0), (defined &system ? 1 : 0), "\n";
