#!/usr/bin/perl -w
# A -w script whose BEGIN block installs a warning handler of its own,
# and a file-scope lexical used in a named sub: the handler hears the
# warnings of the compilation and the run, and not the wrapper sub's
# "will not stay shared", which a script file does not get.
BEGIN {
    $SIG{__WARN__} = sub { print STDERR "mine: $_[0]" };
}
my @list = (3, 4);
my $first = @list[0];
my $count = 0;
sub bump { $count += shift }
print "Content-Type: text/plain\n\n";
bump($first);
my $unset;
print "count $count", $unset, "\n";
