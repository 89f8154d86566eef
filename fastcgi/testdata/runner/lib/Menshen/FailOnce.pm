package Menshen::FailOnce;
# Loads, or dies as it loads while QUERY_STRING is "fail0" (the first
# request of the corpus): a module whose settings were missing once.
use strict;
use warnings;
use Carp qw(croak);
use constant LIMIT => 3;
our @LOADS;
our $name;
push @LOADS, 'load';
sub name { return $name }
die "FailOnce: no settings yet\n" if ($ENV{QUERY_STRING} // '') eq 'fail0';
$name = 'loaded';
1;
