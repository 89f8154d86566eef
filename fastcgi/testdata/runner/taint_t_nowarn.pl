#!/usr/bin/perl -t
# -t: system's taint warnings follow the script's lexical warnings (no
# warnings 'taint') and reach its __WARN__ handler naming its line.
print "Content-Type: text/plain\n\n";
$| = 1;
{ no warnings 'taint'; system("true"); print "quiet system\n"; }
{ no warnings; system("true"); print "quiet system 2\n"; }
local $SIG{__WARN__} = sub { print "handler: $_[0]" };
system("true");
print "end\n";
