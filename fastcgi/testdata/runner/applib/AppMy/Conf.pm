package AppMy::Conf;
# An application's own module that only reads what it built as it loaded
# (app_module_conf.pl): no request changes it.
use strict;
use constant LIMIT => 3;
our $VERSION = '1.0';
our %DEFAULTS = (color => 'blue');
my %CONF = (site => 'example', limit => LIMIT, %DEFAULTS);
my @ORDER = sort keys %CONF;
sub get  { $CONF{ $_[0] } }
sub keys_in_order { @ORDER }
1;
