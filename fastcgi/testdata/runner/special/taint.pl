#!/usr/bin/perl -wT
# -T is ignored by the runner, with one warning in its log.
print "Content-Type: text/plain\n\ntaint\n";
