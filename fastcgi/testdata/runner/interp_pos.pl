#!/usr/bin/perl
# A stray /g match on $0 or $^X leaves a pos() there, and utf8::upgrade
# the utf8 flag: a new process starts each request with neither, so the
# same match finds the name every time.
print "Content-Type: text/plain\n\n";
if ($0 =~ m{([^/]+)\.pl}g) { print "script name: $1\n" } else { print "script name: (no match)\n" }
print "pos on \$^X: ", (defined pos($^X) ? "set" : "none"), "\n";
print "pos on \$^O: ", (defined pos($^O) ? "set" : "none"), "\n";
print "utf8 \$0: ", (utf8::is_utf8($0) ? 1 : 0), " \$^X: ", (utf8::is_utf8($^X) ? 1 : 0), "\n";
$^X =~ /perl/g;
$^O =~ /\w/g;
utf8::upgrade($0);
utf8::upgrade($^X);
