#!/usr/bin/perl
# `each` over a module's tied hashes (%Config, Errno's %!), left half way
# by one request (even query), walked whole by the next: a new process
# starts each iterator afresh.
use Config;
print "Content-Type: text/plain\n\n";
my $half = $ENV{QUERY_STRING} % 2 == 0;
for my $name (qw(Config Errno)) {
    my $h = $name eq 'Config' ? \%Config : \%!;
    my $n = 0;
    if ($half) {
        while (my ($k) = each %$h) { last if ++$n == 2 }
        print "$name: half\n";
    } else {
        $n++ while my ($k) = each %$h;
        print "$name: ", ($n == scalar(keys %$h) ? 'whole' : 'missed some'), "\n";
    }
}
