#!/usr/bin/perl
# Constants that any process computes alike: compiled once, nothing
# changes (auto keeps registry).
use strict;
use FindBin;
use constant PI => 4 * atan2(1, 1);
use constant { ANSWER => 42, NAME => 'menshen', LIST => [qw(a b c)], HEX => 0x1F };
use constant DOUBLE => ANSWER * 2;
use constant { LOW => 1, HIGH => 9 };
use constant SPAN => HIGH - LOW;
use constant DIGITS => qr/^\d+$/;
use constant GREETING => q{hello};
use constant MSG => q{don't};
use POSIX ();
use constant HALF => POSIX::floor(7 / 2);
use constant USAGE => <<'EOT';
usage: const_static.pl [$options]
EOT
use constant BASE => "$FindBin::Bin/lib";
use if $] >= 5.010, 'feature', 'say';
printf "Content-Type: text/plain\n\n%.4f %d %s %s %d %d %s\n", PI, ANSWER, NAME, join(',', @{+LIST}), HEX, DOUBLE, -d BASE ? 'lib' : 'nolib';
my $sep = 'a;b';
print MSG, ' ', $sep, "\n";
print SPAN, ' ', ('42' =~ DIGITS ? 'digits' : 'other'), ' ', GREETING, ' ', HALF, "\n", USAGE;
