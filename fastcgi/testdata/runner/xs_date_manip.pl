#!/usr/bin/perl
# Date::Manip's configuration (Date_Init): one request's date format and
# zone must not reach the next.
use Date::Manip;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
Date_Init("DateFormat=non-US", "SetDate=now,Asia/Tokyo") if $n == 0;
Date_Init("Language=French") if $n == 0;
print "Content-Type: text/plain\n\n";
print "parse: ", UnixDate(ParseDate("03/04/2026 12:00"), "%Y-%m-%d %H:%M %B"), "\n";
