package AppMy::Limits;
# An application's own module that sets CGI.pm's upload limits for some
# requests: globals of CGI, which only this module's text names.
use strict;
use CGI;
sub setup {
    my ($n) = @_;
    $CGI::POST_MAX = 1024 * $n if $n % 2;
    $CGI::DISABLE_UPLOADS = 1 if $n == 1;
}
sub show { "post_max=$CGI::POST_MAX uploads=" . ($CGI::DISABLE_UPLOADS ? 'off' : 'on') }
1;
