#!/usr/bin/perl
# exit_code.pl: a complete answer, then a non-zero exit status.
print "Content-Type: text/plain\n\n";
print "answer complete\n";
exit 3;
