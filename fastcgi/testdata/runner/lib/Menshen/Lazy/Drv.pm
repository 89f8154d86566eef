package Menshen::Lazy::Drv;
use strict;
our $VERSION = '2.5';
our $NAME = 'drvsid';
our $PROG = ($0 =~ m{([^/]+)\z})[0];
my $made = 0;
sub new { $made++; return bless { made => $made }, shift }
sub made { $_[0]{made} }
1;
