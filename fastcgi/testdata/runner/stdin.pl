#!/usr/bin/perl
# Reads the POST body: read(), then eof, plus sysread on a second read.
binmode STDIN;
my $len = $ENV{CONTENT_LENGTH} || 0;
my $got = read(STDIN, my $body, $len);
my $more = sysread(STDIN, my $rest, 10);
print "Content-Type: text/plain\n\n";
printf "len=%d got=%d more=%d eof=%d\n", $len, $got, $more, eof(STDIN) ? 1 : 0;
print "body=[$body]\n";
my %sum; $sum{ord $_}++ for split //, $body;
print "distinct=", scalar(keys %sum), "\n";
