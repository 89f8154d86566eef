package Menshen::UaHolder;
# A module that makes an object as it loads and keeps it in a package
# variable, as LWP::Simple keeps its user agent in $LWP::Simple::ua.
use strict;
our $ua = Menshen::UaHolder::UA->new;

package Menshen::UaHolder::UA;
sub new { return bless { agent => 'holder/1.0' }, shift }
sub agent { return $_[0]{agent} }

1;
