#!/usr/bin/perl
# sleep.pl?s=SECONDS&tag=NAME: write NAME.pid, sleep, then answer with the
# pid. Nothing is written to stdout before the sleep ends, so a worker killed
# meanwhile has sent no header.
use strict;
use warnings;

my %q = map { split /=/, $_, 2 } grep { /=/ } split /&/, ($ENV{QUERY_STRING} // '');
my $s = $q{s} // 0;
my $tag = ($q{tag} // '') =~ /^(\w+)$/ ? $1 : '';
if ($tag ne '') {
    open my $fh, '>', "$tag.pid.tmp" or die "open $tag.pid.tmp: $!";
    print $fh "$$\n";
    close $fh or die "close: $!";
    rename "$tag.pid.tmp", "$tag.pid" or die "rename: $!";
}
select undef, undef, undef, $s if $s > 0;
print "Content-Type: text/plain\r\nX-Pid: $$\r\n\r\n";
print "slept $s in $$\n";
