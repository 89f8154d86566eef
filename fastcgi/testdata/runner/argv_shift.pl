#!/usr/bin/perl
# A bare shift or pop at the top level takes from @ARGV, as in a main
# program (here filled from the query string, for a script that also runs
# from the command line); inside a sub, from its arguments.
print "Content-Type: text/plain\n\n";
@ARGV = split /&/, $ENV{QUERY_STRING};
my $first = shift;
my $last = pop;
sub inner { my $a = shift; return "inner got $a" }
print "first=", (defined $first ? $first : 'undef'), " last=", (defined $last ? $last : 'undef'), " rest=@ARGV\n";
print inner("x"), "\n";
