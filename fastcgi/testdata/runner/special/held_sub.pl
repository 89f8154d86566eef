#!/usr/bin/perl
# A module's hash keeps the first request's named sub (`||=`), as a
# handler registry does; the script calls it through the hash on every
# request. In CGI every process keeps its own: the answer is the same
# every time. ?set replaces it with this request's, as CGI::Carp's
# set_message does every request. (File::Basename stands for the module.)
use strict;
use warnings;
use File::Basename ();
sub handler { return "handler " . helper() }
sub helper { return "ok" }
if (($ENV{QUERY_STRING} // '') eq 'set') {
    $File::Basename::Held{handler} = \&handler;
} else {
    $File::Basename::Held{handler} ||= \&handler;
}
print "Content-Type: text/plain\n\n";
print "h=", $File::Basename::Held{handler}->(), "\n";
