#!/usr/bin/perl
# A 2 MiB body (spooled to a file by the runner), read with <STDIN> lines,
# -s STDIN is not relied upon.
binmode STDIN;
my ($n, $bytes) = (0, 0);
local $/ = \65536;
while (my $chunk = <STDIN>) { $n++; $bytes += length $chunk; }
print "Content-Type: text/plain\n\n";
print "chunks=$n bytes=$bytes cl=$ENV{CONTENT_LENGTH}\n";
