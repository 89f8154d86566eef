#!/usr/bin/perl
# STDOUT reopened read-write on a file ('+>', then '+<' on what is there;
# through a glob reference, as a library would: the script's own text
# shows no reopen), to write a report into it, then put back from a saved
# dup: what is printed and syswritten meanwhile goes to the file, not to
# the page, as in a CGI process.
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
my $file = "/tmp/menshen-reopen-rw-$$.txt";
my $out = \*STDOUT;
open(my $saved, '>&', $out) or die "dup: $!";
for my $mode ('+>', '+<') {
    open($out, $mode, $file) or die "reopen $mode: $!";
    print "printed ($mode)\n";
    STDOUT->flush;
    syswrite(STDOUT, "syswritten ($mode)\n");
    open($out, '>&', $saved) or die "restore: $!";
    open(my $in, '<', $file) or die "read back: $!";
    print "the file after $mode:\n", map { "  $_" } <$in>;
}
unlink $file;
print "end\n";
