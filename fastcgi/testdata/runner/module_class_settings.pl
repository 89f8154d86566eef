#!/usr/bin/perl
# Module settings a script changes by a call, for one request (step1): a
# money page's rounding (Math::BigFloat->accuracy), a wrapper's
# Getopt::Long::Configure(qw(pass_through bundling)), IE's C:\ upload
# names (fileparse_set_fstype). The next requests start from the modules'
# own settings, as in a new process.
use strict;
use warnings;
use Math::BigFloat;
use Getopt::Long;
use File::Basename;
my ($step) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
$step = ($step || 0) % 3;
if ($step == 1) {
    Math::BigFloat->accuracy(5);
    Math::BigFloat->round_mode('trunc');
    Getopt::Long::Configure(qw(pass_through bundling));
    fileparse_set_fstype('MSWin32');
}
print "Content-Type: text/plain\n\n";
print "sqrt2=", Math::BigFloat->new(2)->bsqrt, "\n";
print "round_mode=", Math::BigFloat->round_mode, "\n";
local @ARGV = ('--zap', '-vn');
my ($v, $n) = (0, 0);
local $SIG{__WARN__} = sub { print "getopt: $_[0]" };
my $ok = GetOptions('v' => \$v, 'n' => \$n);
print "getopt ok=", ($ok ? 1 : 0), " v=$v n=$n rest=[@ARGV]\n";
print "basename=", basename('C:\\dir\\file.txt'), "\n";
