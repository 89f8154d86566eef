#!/usr/bin/perl
# 1 MiB of output in pieces of every size.
print "Content-Type: text/plain\n\n";
my $total = 0;
my $i = 0;
while ($total < 1 << 20) {
    my $n = ($i * 7919) % 70000 + 1;
    $n = (1 << 20) - $total if $total + $n > 1 << 20;
    print chr(65 + $i % 26) x $n;
    $total += $n;
    $i++;
}
