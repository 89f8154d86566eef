#!/usr/bin/perl -T
# A taint-mode script that reads a file through a bareword handle, as a
# guestbook reads its entries: the worker serves request after request
# ($. is reset between them without loading anything under -T).
open(GB, '<', $0) or die "open: $!";
my $lines = 0;
$lines++ while <GB>;
close(GB);
print "Content-Type: text/plain\n\n";
print "read ", ($lines > 5 ? 'the file' : 'too little'), ", \$. now ", (defined $. ? $. : 'undef'), "\n";
