#!/usr/bin/perl
# X-Pid shows which process answered: the same one across runner requests.
print "Content-Type: text/plain\nX-Pid: $$\n\n";
print "ok\n";
