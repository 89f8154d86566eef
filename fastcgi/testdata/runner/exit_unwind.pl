#!/usr/bin/perl
# An exit from a sort block unwinds like a process's exit: the lexicals of
# the subs it leaves are freed, their DESTROY runs whole and a dup of
# STDOUT among them gives its text.
package O;
sub new { bless { q => $_[1] }, $_[0] }
sub DESTROY { print "destroy $_[0]{q}\n"; print "destroy done\n" }
package main;
print "Content-Type: text/plain\n\nq=$ENV{QUERY_STRING}\n";
sub f {
    my $o = O->new($ENV{QUERY_STRING});
    open(my $out, '>&', \*STDOUT) or die "dup: $!";
    print $out "via dup\n";
    my @x = sort { exit 0 } 1, 2;
}
f();
print "never\n";
