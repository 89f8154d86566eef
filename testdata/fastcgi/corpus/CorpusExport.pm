package CorpusExport;
# A module exporting variables that hold objects (as DB_File exports
# $DB_HASH and $DB_BTREE): imported.pl uses them. Not executable: a
# library, never served.
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw($Default %Registry @Handlers);
our $Default   = bless { level => 'info' }, 'CorpusExport::Obj';
our %Registry  = (handler => bless({ name => 'h' }, 'CorpusExport::Obj'));
our @Handlers  = (bless({ name => 'first' }, 'CorpusExport::Obj'));
1;
