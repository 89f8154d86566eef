#!/usr/bin/perl
# perl4_lib_named.pl: the script names what its Perl 4 libraries set up as
# they load ($datelib'DoW[0], $form_lib'version, ${"datelib::zone"}): every
# request sees it set up, as in a new process (registry keeps the
# libraries loaded, with what they set up). A setting the script changes
# for one request ($datelib'sep, $form_lib'maxdata; the first request,
# which loads the libraries under registry, is one) and a count the
# library keeps ($datelib'calls) start again from what the load set for
# the next.
push(@INC, './lib') unless grep($_ eq './lib', @INC);
require './lib/datelib.pl';
require 'formlib.pl';
print "Content-Type: text/plain\n\n";
if ($ENV{'QUERY_STRING'} =~ /^q[02]$/) {
    $datelib'sep = '/';
    $form_lib'maxdata = 1024;
}
print "day of 0: ", &dayname(0), ", first day: $datelib'DoW[0] of ", scalar(@datelib'DoW), "\n";
print "Feb: $datelib'MoY{'Feb'}, date: ", &ymd(86400 * 40), "\n";
$zone = ${"datelib::zone"};
print "calls: $datelib'calls, version $datelib'version, zone $zone\n";
print "form_lib $form_lib'version, maxdata $form_lib'maxdata, get: ", (&MethGet ? 1 : 0), "\n";
