# formlib.pl: a cgi-lib.pl style library, found through @INC: no package
# line (its subs are main's), and its settings in a package it only
# names.
$form_lib'version = '2.14';
$form_lib'maxdata = 131072;
sub MethGet { return $ENV{'REQUEST_METHOD'} eq 'GET' }
1;
