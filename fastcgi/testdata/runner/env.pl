#!/usr/bin/perl
# %ENV is the request's: a variable set by one request never reaches the next.
print "Content-Type: text/plain\n\n";
print "leak=", (exists $ENV{MENSHEN_LEAK} ? "yes" : "no"), "\n";
$ENV{MENSHEN_LEAK} = 1;
print "child sees leak=", `printenv MENSHEN_LEAK`;
for my $k (sort keys %ENV) { print "$k\n" }
print "Q=$ENV{QUERY_STRING}\n";
