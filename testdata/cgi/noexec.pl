#!/usr/bin/perl
# noexec.pl: not executable (mode 0644): 403, and this text is never disclosed.
# SECRET-SOURCE-MARKER
print "Content-Type: text/plain\n\nshould not run\n";
