#!/usr/bin/perl
# A script that takes builtins over with one `use subs` of several names
# (its AUTOLOAD answers them) gets its own subs called for each of them;
# one that defines a sub of the Perl 4 spelling (main'syswrite) after its
# use gets the builtin, as perl does: the runner's exec, system and
# syswrite are not imported for such a name.
use subs qw(chdir exec system);
sub main'syswrite { print "own syswrite(@_)\n"; 1 }
sub AUTOLOAD {
    our $AUTOLOAD;
    print "AUTOLOAD $AUTOLOAD(@_)\n";
    return 1;
}
print "Content-Type: text/plain\n\n";
chdir("/");
system("echo", "builtin");
syswrite(STDOUT, "data\n");
exec("echo", "builtin");
print "end\n";
