#!/usr/bin/perl
# The application's own module reads its template from its __DATA__
# section: a new process reads it from the start.
use lib 'applib';
use AppMy::Templates;
print "Content-Type: text/html\n\n", AppMy::Templates::next_template();
