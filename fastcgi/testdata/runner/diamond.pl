#!/usr/bin/perl
# <> (the ARGV handle) with @ARGV empty reads the POST body on STDIN, in
# every request, even after one that stopped early (query 1); $. and $ARGV
# start undefined. ARGV and ARGVOUT are perl's own globs, no hazard.
print "Content-Type: text/plain\n\n";
print "dot=", (defined $. ? $. : 'undef'), " ARGV=", (defined $ARGV ? $ARGV : 'undef'), "\n";
if ($ENV{QUERY_STRING} eq '1') {
    my $first = <>;
    print "first=$first", "dot=$.\n";
    exit;
}
my @lines = <>;
print "lines=", scalar(@lines), " [", join("|", map { chomp; $_ } @lines), "] ARGV=$ARGV\n";
print "eof()=", (eof() ? 1 : 0), "\n";
while (my $l = <ARGV>) { print "more $l" }
print "fileno ARGV=", (defined fileno(ARGV) ? 'open' : 'closed'), "\n";
