#!/usr/bin/perl
# reset makes m?? match again, and clears package variables by their
# first letter: what a persisted compilation holds, reset changes.
our ($zeta, $zulu) = ("z1", "z2");
print "Content-Type: text/plain\n\n";
for my $round (1, 2) {
    for my $w (qw(k1 k2)) {
        print "round $round: $w\n" if $w =~ m?^k?;
    }
    reset;
}
reset 'z';
print "zeta=", (defined $zeta ? $zeta : "undef"), "\n";
