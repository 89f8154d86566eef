#!/usr/bin/perl
# A legacy no-strict form handler that keeps the form in %DATA, and more
# variables under names perl has before any script (%ARGV, @ENV, $STDIN,
# %STDOUT, %_): a new process starts each request with them empty, so
# one user's fields never reach the next.
print "Content-Type: text/plain\n\n";
foreach my $pair (split /&/, $ENV{QUERY_STRING}) {
    my ($k, $v) = split /=/, $pair;
    $DATA{$k} = $v;
}
$ARGV{$ENV{QUERY_STRING}} = 1;
push @ENV, $ENV{QUERY_STRING};
$STDIN .= "$ENV{QUERY_STRING};";
$STDOUT{seen}++;
$_{count}++;
print "fields: ", join(", ", map { "$_=$DATA{$_}" } sort keys %DATA), "\n";
print "ARGV keys: ", join(",", sort keys %ARGV), "\n";
print "ENV array: @ENV\n";
print "STDIN scalar: $STDIN\n";
print "STDOUT hash: $STDOUT{seen}, _ hash: $_{count}\n";
