package Menshen::FailMulti;
# A module file that defines three packages, and dies as it loads while
# QUERY_STRING is "fail0" (the first request of the corpus): after its
# own package, the others' subs were already compiled.
use strict;
use warnings;
sub name { return 'multi' }
package Menshen::FailMulti::Util;
sub twice { return $_[0] x 2 }
our @MADE;
push @MADE, "made";
sub made { return scalar @MADE }
package Menshen::FailMultiHelper;
sub help { return 'help' }
package Menshen::FailMulti;
die "FailMulti: no settings yet\n" if ($ENV{QUERY_STRING} // '') eq 'fail0';
1;
