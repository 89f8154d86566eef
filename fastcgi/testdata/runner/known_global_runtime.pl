#!/usr/bin/perl
# A module loaded at run time, one of its settings the runner knows
# (File::Basename's fstype) changed by a call, not named by the script:
# the first request sets it, the next ones' new processes have the
# module's default again (the runner kept what the first request set).
require File::Basename;
File::Basename::fileparse_set_fstype('MSWin32') if $ENV{QUERY_STRING} eq 'q0';
print "Content-Type: text/plain\n\n", File::Basename::basename('C:\\dir\\file.txt'), "\n";
