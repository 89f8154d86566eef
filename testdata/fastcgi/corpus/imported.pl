#!/usr/bin/perl
# imported.pl: variables a module exports (objects, as DB_File's $DB_HASH)
# are the module's state: they must be intact on every request, not
# destroyed with the script's own objects at its end.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use CorpusExport qw($Default %Registry @Handlers);
print "Content-Type: text/plain\n\n";
printf "Default=%s level=%s\n", ref($Default) || 'undef', ref($Default) ? $Default->{level} : '-';
printf "handler=%s first=%s\n", ref($Registry{handler}) || 'undef', ref($Handlers[0]) ? $Handlers[0]{name} : 'undef';
