#!/usr/bin/perl
# require of a sibling library defining subs and a global: loaded once per
# CGI process, so its file-scope code runs on every request.
require "./lib/util.pl";
print "Content-Type: text/plain\n\n";
print greet("world"), " loads=$Util::loads main_loads=$main::lib_loads\n";
