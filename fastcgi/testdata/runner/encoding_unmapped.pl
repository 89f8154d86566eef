#!/usr/bin/perl
# A Latin-1 page with one character that has no Latin-1 form, the script
# asking for no warnings: perl writes its \x{...} escape into the page and
# says nothing, here at the flush that ends the request as at an exit.
print "Content-type: text/plain; charset=iso-8859-1\n\n";
binmode(STDOUT, ':encoding(iso-8859-1)');
print "caf\x{e9} \x{2603}\n";
