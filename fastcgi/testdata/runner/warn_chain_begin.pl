#!/usr/bin/perl -w
# A -w script whose BEGIN block wraps the warning handler it finds and
# calls that one after its own line, if there is one (none in a new
# process): each warning is logged once, by the wrapper.
my $old;
BEGIN {
    $old = $SIG{__WARN__};
    $SIG{__WARN__} = sub { print STDERR "WRAP: $_[0]"; $old->(@_) if ref $old eq 'CODE' };
}
print "Content-Type: text/plain\n\n";
my $u;
my $s = "a" . $u;
print "ok\n";
