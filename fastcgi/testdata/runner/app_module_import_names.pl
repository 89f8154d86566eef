#!/usr/bin/perl
# The application's own module imports the form's fields into package Q
# (CGI.pm's import_names), a package the script's text never names: each
# request shows its own field only.
use lib 'applib';
use AppMy::Form;
AppMy::Form::load();
print "Content-Type: text/plain\n\nfields: ", AppMy::Form::fields(), "\n";
