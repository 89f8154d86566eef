#!/usr/bin/perl
# exec replaces the program: its output ends the response, its status is
# the script's, and nothing after it runs.
print "Content-Type: text/plain\n\n";
print "before exec\n";
exec("sh", "-c", "echo from exec; cat; exit 5") or die "exec: $!";
print "never\n";
