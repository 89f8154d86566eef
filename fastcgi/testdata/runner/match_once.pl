#!/usr/bin/perl
# m?? matches once per process (until reset): in every CGI request the
# first line matches. Compiled once, the op's "used" flag would stay set.
print "Content-Type: text/plain\n\n";
for my $line ("a1", "a2", "b", "a3") {
    print "once: $line\n" if $line =~ m?^a?;
}
