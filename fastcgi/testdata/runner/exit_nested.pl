#!/usr/bin/perl
# exit where perl runs the code on a stack of its own, inside an eval of
# the script: the process (the request) ends there, the eval does not
# catch it, and nothing after it runs.
use strict;
use warnings;
$| = 1;
print "Content-Type: text/plain\n\n";
my $how = $ENV{QUERY_STRING};
# (Once: perl would call DESTROY again in the global destruction.)
package Exiter { my $done; sub DESTROY { return if $done++; print "destroy\n"; exit 4 } }
package TiedExit { sub TIESCALAR { bless {}, shift } sub FETCH { print "fetch\n"; exit 5 } }
package OverExit { use overload '""' => sub { print "stringify\n"; exit 6 }; }
if ($how eq 'sort') {
    my @x = eval { sort { exit 3 } 1, 2 } or print "caught: $@";
} elsif ($how eq 'alarm') {
    local $SIG{ALRM} = sub { print "timeout\n"; exit 0 };
    eval { kill ALRM => $$; sleep 2; 1 } or print "caught: $@";
} elsif ($how eq 'diehook') {
    local $SIG{__DIE__} = sub { print "die hook\n"; exit 2 };
    eval { die "oops\n" };
    print "caught: $@";
} elsif ($how eq 'warnhook') {
    local $SIG{__WARN__} = sub { print "warn hook\n"; exit 7 };
    eval { warn "careful\n"; 1 } or print "caught: $@";
} elsif ($how eq 'destroy') {
    { my $x = bless {}, 'Exiter'; }
} elsif ($how eq 'tie') {
    tie my $t, 'TiedExit';
    my $v = eval { "$t" };
} elsif ($how eq 'overload') {
    my $o = bless {}, 'OverExit';
    eval { my $s = "$o"; 1 } or print "caught: $@";
} elsif ($how eq 'nested') {
    eval { eval { my @x = sort { exit 8 } 1, 2; 1 } or print "inner caught: $@"; 1 } or print "outer caught: $@";
}
print "after\n";
END { print "end: $?\n" }
