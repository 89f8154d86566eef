package AppMy::Login;
# An application's own module keeping the user in a package variable
# (app_module_our.pl).
our $who;
our @history;
sub login { $who = shift; push @history, $who }
sub who   { defined $who ? $who : 'ANONYMOUS' }
1;
