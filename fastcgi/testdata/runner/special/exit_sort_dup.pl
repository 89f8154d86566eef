#!/usr/bin/perl
# A dup of STDOUT is live while exit leaves through a die (from a sort
# block, or a __WARN__ handler: perl runs them on a stack of their own).
# Freeing the dup as the stack unwinds closes it through the runner's
# output layer; nothing of it may be left open after the request.
print "Content-Type: text/plain\n\nq=$ENV{QUERY_STRING}\n";
sub f {
    open(my $out, '>&', \*STDOUT) or die "dup: $!";
    print $out "via dup\n";
    if ($ENV{QUERY_STRING} eq 'warn') {
        local $SIG{__WARN__} = sub { exit 0 };
        warn "leave\n";
    }
    my @x = sort { exit 0 } 1, 2;
}
f();
print "never\n";
