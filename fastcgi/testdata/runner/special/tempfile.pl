#!/usr/bin/perl
# Temporary files File::Temp removes at the process's exit: a CGI process
# leaves none behind; neither may a request in the runner (TMPDIR is the
# test's directory). The second file is made at run time, as a form
# handler makes one for an upload.
use strict;
use warnings;
use File::Temp qw(tempfile tempdir);
# One made as the script compiles: perlrun compiles every request.
BEGIN { File::Temp::tempfile('beginXXXX', DIR => $ENV{TMPDIR}, UNLINK => 1) if $ENV{TMPDIR} }
my ($fh, $name) = tempfile(UNLINK => 1);
print $fh "data of $ENV{QUERY_STRING}\n";
my $dir = tempdir(CLEANUP => 1);
open(my $o, '>', "$dir/part") or die "$dir/part: $!";
print $o "part\n";
close $o;
my (undef, $second) = File::Temp::tempfile('uploadXXXX', DIR => $ENV{TMPDIR}, UNLINK => 1);
print "Content-Type: text/plain\n\n";
print "$name\n$dir\n$second\n";
