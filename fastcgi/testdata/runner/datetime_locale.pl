#!/usr/bin/perl
# DateTime->DefaultLocale set for one user's page (a fr visitor) must not
# give the next user's dates in French: the module keeps it in a lexical
# of its own (testdata/site_perl/DateTime.pm stands in for DateTime.pm).
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use DateTime;
DateTime->DefaultLocale('fr-FR') if ($ENV{QUERY_STRING} || '') =~ /\bn=\d*[13579]\b/;
print "Content-Type: text/plain\n\nlocale: ", DateTime->today->locale->code, "\n";
