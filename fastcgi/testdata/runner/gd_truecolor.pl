#!/usr/bin/perl
# GD::Image->trueColor(1) sets the kind of every new image of the
# process: one user's true colour image must not make the next user's
# image other bytes (testdata/site_perl/GD.pm stands in for the module).
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use GD;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
GD::Image->trueColor(1) if $n && $n % 2;
my $im = GD::Image->new(40, 20);
print "Content-Type: text/plain\n\n", "truecolor=", ($im->isTrueColor ? 1 : 0), " png=", unpack('H*', $im->png), "\n";
