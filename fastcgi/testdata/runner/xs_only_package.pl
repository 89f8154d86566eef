#!/usr/bin/perl
# A package of XS subs only, made by a module's shared object and declared
# by no Perl file (MIME::QuotedPrint's encode_qp, which MIME::Base64's
# object defines; MIME/QuotedPrint.pm is not loaded), called by its full
# name: as BackupPC::Lib calls BackupPC::XS::Lib::ConfInit. A new process
# finds the sub every time.
use strict;
use warnings;
use MIME::Base64 ();

print "Content-Type: text/plain\n\n";
print "encode_b64: ", MIME::Base64::encode_base64("caf\xe9", ""), "\n";
print "encode_qp: ", MIME::QuotedPrint::encode_qp("caf\xe9"), "\n";
