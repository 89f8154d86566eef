#!/usr/bin/perl
# A flip-flop and a glob in scalar context keep state of their own from
# call to call: a new process starts them afresh, and so does every
# request (auto serves such a script perlrun).
print "Content-Type: text/plain\n\n";
for (split /,/, $ENV{QUERY_STRING}) {
    print "$_\n" if /start/ .. /stop/;
}
my $first = glob("/etc/*");
print "glob: ", (defined $first ? "first" : "none"), " ", ($first eq (sort glob("/etc/*"))[0] ? "same" : "other"), "\n";
