#!/usr/bin/perl
# $! survives the script's own output: a failed open's reason printed
# after the header (with $| on), after a warn and a print to STDERR, and
# die's exit status taken from it (ENOENT: 2).
$| = 1 if $ENV{QUERY_STRING} ne 'buffered';
open(my $f, '<', '/nonexistent/menshen-data.txt') or do {
    print "Content-Type: text/plain\n\n";
    print "open: $!\n";
    warn "warned\n";
    print STDERR "to stderr\n";
    print "after warn: ", $! + 0, "\n";
    $| = 1;
    print "after autoflush: ", $! + 0, "\n";
    die "giving up: $!\n";
};
