package AppMy::Auth;
# An application's own module, shipped beside its scripts: the logged-in
# user in a file-scoped lexical that its subs set (app_module_my.pl).
use strict;
my $who;
sub login { $who = shift }
sub who   { defined $who ? $who : 'ANONYMOUS' }
1;
