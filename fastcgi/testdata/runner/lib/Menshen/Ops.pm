package Menshen::Ops;
# A module's table of operations held in a scalar, which scripts extend
# (as Template::Stash's $SCALAR_OPS).
use strict;
our $OPS = { upper => sub { uc $_[0] }, lower => sub { lc $_[0] } };
our $ORDER = [qw(upper lower)];
sub apply { my ($op, $v) = @_; my $f = $OPS->{$op} or return "no $op"; $f->($v) }
1;
