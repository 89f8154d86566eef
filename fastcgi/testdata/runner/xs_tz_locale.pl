#!/usr/bin/perl
# A report in the user's zone and locale: strftime, localtime and
# Time::Local after a request that set TZ and LC_TIME.
use POSIX qw(strftime setlocale LC_TIME LC_ALL);
use Time::Local;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
if ($n == 0) { $ENV{TZ} = 'Asia/Tokyo'; setlocale(LC_TIME, 'C.UTF-8'); }
$t = timelocal(0, 0, 12, 1, 0, 2020);
print "Content-Type: text/plain\n\n";
print "t=$t ", strftime("%Y-%m-%d %H:%M %Z %a", localtime($t)), "\n";
print "gm: ", scalar(gmtime(86400 * 365)), "\n";
print "tz env: ", (defined $ENV{TZ} ? $ENV{TZ} : 'unset'), "\n";
