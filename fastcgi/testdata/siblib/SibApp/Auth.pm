package SibApp::Auth;
# An application's own module in a lib directory beside the scripts'
# (app_module_sibling.pl, `use lib "$Bin/../siblib"`): the logged-in user
# in a file-scoped lexical that its subs set.
use strict;
my $who;
sub login { $who = shift }
sub who   { defined $who ? $who : 'ANONYMOUS' }
1;
