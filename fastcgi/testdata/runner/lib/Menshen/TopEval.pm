package Menshen::TopEval;
# Builds its implementation class with a string eval at its file's top
# level (the eval's caller is gone once the module is loaded): the class
# is the module's and outlives every request.
use strict;
eval q{
package Menshen::TopEval::Impl;
sub new { bless { v => $_[1] }, $_[0] }
sub show { "top[" . $_[0]{v} . "]" }
1;
} or die $@;
sub make { Menshen::TopEval::Impl->new($_[0]) }
1;
