package Menshen::Codes;
# A module file whose second package holds variables alone: no sub of
# Menshen::Codes::Table tells which file made it.
use strict;
use warnings;
sub describe { return 'codes' }
package Menshen::Codes::Table;
our %CODES = (ok => 'fine', ko => 'broken');
our @ORDER = qw(ok ko);
our $TITLE = 'status codes';
1;
