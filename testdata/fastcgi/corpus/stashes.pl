#!/usr/bin/perl
# stashes.pl: a script that never loads CGI.pm sees no %CGI:: or
# %CGI::Carp:: symbol table, as in a fresh perl (the runner must not create
# them by naming CGI.pm's subs).
print "Content-Type: text/plain\n\n";
print "CGI:: ", (exists $main::{'CGI::'} ? "exists" : "absent"), "\n";
print "CGI::Carp:: ", (exists $main::{'CGI::'} && exists $main::{'CGI::'}{'Carp::'} ? "exists" : "absent"), "\n";
