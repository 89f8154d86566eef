#!/usr/bin/perl -w
# core_global_exit.pl under -w, where the runner's compile filter sees
# perl's warnings first, and without `use warnings`.
BEGIN { *{ "CORE::GL" . "OBAL::exit" } = sub { print "OVERRIDDEN EXIT(@_)\n" } }
print "Content-Type: text/plain\n\n";
print "hello\n";
exit 3;
print "after\n";
