#!/nonexistent/perl
# badinterp.pl: its interpreter does not exist: 500 (C10).
print "Content-Type: text/plain\n\nunreachable\n";
