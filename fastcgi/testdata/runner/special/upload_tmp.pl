#!/usr/bin/perl
# A file uploaded through CGI.pm: its temp file is CGI.pm's, held in its
# globals; a CGI process's exit removes it. Prints its name.
use strict;
use warnings;
use CGI;
my $q = CGI->new;
my $fh = $q->upload('f');
my $name = $fh ? $q->tmpFileName($fh) : '';
my $data = $fh ? do { local $/; <$fh> } : '';
print $q->header('text/plain'), "$name\n", length($data), "\n";
