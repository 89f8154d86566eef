#!/usr/bin/perl
# A flip-flop alone (in scalar context, in a sub): its state lives from
# call to call, so auto compiles the script for each request.
sub between { my @out; for (@_) { push @out, $_ if /start/ .. /stop/ } return @out }
print "Content-Type: text/plain\n\n";
print join(",", between(split /,/, "a,start,b$ENV{QUERY_STRING}")), "\n";
