package Menshen::FailShared;
# Reads the settings another module made in its package before it loads,
# and dies as it loads while QUERY_STRING is "fail0" (the first request
# of the corpus).
use strict;
use warnings;
our ($greeting, @PLUGINS, $count);
$count++;
sub seen { return join ',', $greeting // 'unset', scalar(@PLUGINS), $count }
die "FailShared: no settings yet\n" if ($ENV{QUERY_STRING} // '') eq 'fail0';
1;
