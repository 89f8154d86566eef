# The locale, asked and set for locale_lib.pl (whose own source does not
# name the call).
use POSIX ();
sub lang { POSIX::setlocale(POSIX::LC_CTYPE()) }
sub set_lang { POSIX::setlocale(POSIX::LC_ALL(), $_[0]) }
1;
