#!/usr/bin/perl -wT
# Taint mode from the shebang: the runner runs under -T too.
print "Content-Type: text/plain\n\ntaint=${^TAINT}\n";
