#!/usr/bin/perl
# caller() inside END: perl calls an END block from line 0 of the script
# file, inside an eval, and a logger naming its caller, or Carp, sees
# those two frames (main::END, then (eval)), and nothing beyond.
use strict;
use warnings;
use Carp ();
print "Content-Type: text/plain\n\n";
sub frames {
    for my $i (0 .. 3) {
        my @c = caller($i);
        print "  $i: ", (@c ? join(',', map { $_ // 'u' } @c[0 .. 5]) : 'none'), "\n";
    }
}
sub log_line { my $from = (caller(1))[3] || 'top level'; print "[$from] @_\n" }
log_line('start');
frames();
END {
    log_line('request done');
    frames();
    my @c = caller;
    print "bare: ", (@c ? join(',', map { $_ // 'u' } @c) : 'none'), "\n";
    my $m = Carp::shortmess('short');
    $m =~ s/\n\z//;
    print "shortmess: $m\n";
    print "longmess lines: ", scalar(() = Carp::longmess('long') =~ /\n/g), "\n";
}
