#!/usr/bin/perl
# The working directory is the script's: a relative open works, even after
# an earlier request chdir'd away.
print "Content-Type: text/plain\n\n";
open(my $fh, '<', 'lib/words.txt') or die "open lib/words.txt: $!";
print "words: ", <$fh>;
close $fh;
chdir '/' or die;
umask 0777;
