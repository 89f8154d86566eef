#!/usr/bin/perl
# Loads Menshen::LoadOnce as it compiles; while its settings file is
# missing the script fails, once it is there every request is served (as
# by a new process), by a module loaded once.
use strict;
use warnings;
use lib '../lib';
use Menshen::LoadOnce;
print "Content-Type: text/plain\n\n";
print "name=", Menshen::LoadOnce::name(), " loads=", scalar(@Menshen::LoadOnce::LOADS), "\n";
