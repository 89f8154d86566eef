#!/usr/bin/perl
# BEGIN and END blocks that print; END sees and changes the exit status.
BEGIN { print "Content-Type: text/plain\n\n"; print "begin\n"; }
print "main\n";
END { print "end one, status=$?\n"; }
END { print "end two\n"; $? = 4; }
exit 2;
