package Menshen::Loader;
# Evaluates a plugin file for the script that asks (a plugin loader): the
# plugin's package is the script's, fresh for every request.
use strict;
sub load { my ($f) = @_; open my $fh, '<', $f or die "$f: $!"; local $/; my $c = <$fh>; eval $c or die $@; }
1;
