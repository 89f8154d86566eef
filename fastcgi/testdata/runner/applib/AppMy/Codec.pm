package AppMy::Codec;
# An application's own module that calls an XS sub by its full name in a
# package only a shared object makes (MIME::Base64's object defines
# MIME::QuotedPrint::encode_qp; MIME/QuotedPrint.pm is not loaded), as
# BackupPC::Lib calls BackupPC::XS::Lib::ConfInit.
use strict;
use MIME::Base64 ();
sub qp { MIME::QuotedPrint::encode_qp($_[0]) }
1;
