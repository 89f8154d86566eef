#!/usr/bin/perl
# exit 3 with output: the status reaches FCGI_END_REQUEST.
print "Content-Type: text/plain\n\nbye\n";
exit 3;
