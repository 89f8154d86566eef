#!/usr/bin/perl
# body_len.pl: reads STDIN to its end and says how many bytes came, against
# CONTENT_LENGTH, with a checksum of what came.
binmode STDIN;
my $n = 0;
my $sum = 0;
while (my $r = read(STDIN, my $buf, 65536)) {
    $n += $r;
    $sum = ($sum + unpack('%32C*', $buf)) % 65536;
}
print "Content-Type: text/plain\n\nlength=$ENV{CONTENT_LENGTH} read=$n sum=$sum\n";
