#!/usr/bin/perl
# do FILE runs the file on every request, compiled once or not (auto
# keeps the script in registry): its globals are as a new process has
# them, the counter 1 every time.
use strict;
use warnings;
use FindBin;
our ($title, @items, $loads);
do "$FindBin::Bin/lib/conf.pl" or die "conf.pl: ", $@ || $!;
print "Content-Type: text/plain\n\n";
print "title=$title items=@items loads=$loads\n";
