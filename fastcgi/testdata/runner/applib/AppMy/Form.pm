package AppMy::Form;
# An application's own module that hands the form to CGI.pm's
# import_names: the fields become variables of package Q, which only
# this module's text names.
use strict;
use CGI;
sub load { CGI->new->import_names('Q') }
sub fields { no warnings 'once'; join ',', map { defined $_ ? $_ : '-' } $Q::f0, $Q::f1, $Q::f2, $Q::f3 }
1;
