#!/usr/bin/perl
# The application's own module calls an XS sub of a package no Perl file
# declares: every request finds it, as a new process does.
use strict;
use warnings;
use lib 'applib';
use AppMy::Codec;
print "Content-Type: text/plain\n\n";
print "encode_qp: ", (eval { AppMy::Codec::qp("caf\xe9") } // "ERR: $@"), "\n";
