#!/usr/bin/perl
# A script starts where no regex has matched and nothing was stat'ed: an
# empty pattern matches every line (a search form's empty term), $& is
# undef, and `stat _` finds nothing.
my $q = $ENV{QUERY_STRING};
print "Content-type: text/plain\n\n";
print "amp=", (defined $& ? "[$&]" : "undef"), " minus=[@-]\n";
my @st = stat _;
print "stat fields=", scalar(@st), " -e _=", (-e _ ? 1 : 0), "\n";
for my $line ("apple pie", "docs/readme", "banana") {
    print "$line\n" if $line =~ /$q/;
}
stat "/";
