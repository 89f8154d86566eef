#!/usr/bin/perl
# exit from a %SIG handler outside any eval of the script (the timeout
# idiom without its eval): the handler answers, and the request ends
# with its status; the main code never goes on.
$SIG{USR1} = sub { print "Content-Type: text/plain\n\nbye\n"; exit 3 };
kill USR1 => $$;
sleep 1;
print "never\n";
