#!/usr/bin/perl
# A module that overrides a builtin as it loads (Test::MockTime's time,
# Hook::LexWrap's caller) does it in every CGI process that loads it: in
# a worker it loads once, and its override stays with it.
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Menshen::FrozenTime;
print "Content-Type: text/plain\n\n";
print "time: ", time, "\n";
print "string-eval time: ", eval("time"), "\n";
