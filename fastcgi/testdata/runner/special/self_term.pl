#!/usr/bin/perl
# SIGTERM with no handler of the script's ends the process, mid-request.
$| = 1;
print "Content-Type: text/plain\n\nbefore\n";
kill 'TERM', $$;
sleep 2;
print "survived\n";
