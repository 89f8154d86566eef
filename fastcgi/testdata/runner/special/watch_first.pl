#!/usr/bin/perl
# watch_first.pl (white box): module globals the source names, of a
# package only its compilation makes (a library required by file name, a
# name nothing defines) and a module's sub it could replace. perlrun makes
# those packages anew every request: the runner's list of first values
# must not grow with them. It prints its length.
use Text::Wrap ();
require "./watch_conf.pl";
my $x = $Other::v;
*Text::Wrap::wrap = sub { "patched" } if 0;
print "Content-Type: text/plain\n\n";
print "db=$WatchConf::C{db} first=", scalar(@Menshen::Runner::WATCH_FIRST), "\n";
