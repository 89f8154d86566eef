package Menshen::FailPreset;
# Reads the settings the script made in its package before requiring it,
# and dies as it loads while QUERY_STRING is "fail0" (the first request
# of the corpus): a module whose settings file was missing once.
our ($DEBUG, @PLUGINS, %OPT);
my $seen = join ',', $DEBUG // 'unset', scalar(@PLUGINS), join('', sort keys %OPT);
sub seen { return $seen }
die "FailPreset: no settings yet\n" if ($ENV{QUERY_STRING} // '') eq 'fail0';
1;
