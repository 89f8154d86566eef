#!/usr/bin/perl
# Glob assignments on the first request only (*who = \$user, cgi-lib's
# *FORM = \%in, *view = \@rows in a package, refaliasing, a debug handle
# on STDOUT's IO): a new process starts each later request with the
# glob's own empty variable, and an unopened DEBUG. auto, compiling once,
# puts the glob's own variable back after the request and stays registry.
use feature 'refaliasing';
no warnings 'experimental::refaliasing';
our ($user, $who, %in, %FORM, @rows, @shown);
my $first = $ENV{QUERY_STRING} =~ /0\z/;
print "Content-Type: text/plain\n\n";
*who = \$user if $first;
*FORM = \%in if $first;
\@shown = \@rows if $first;
*DEBUG = *STDOUT{IO} if $first;
$user = "user-$ENV{QUERY_STRING}";
%in = (q => $ENV{QUERY_STRING});
@rows = (1, 2);
print "who: ", (defined $who ? $who : '(nobody)'), "\n";
print "FORM: ", join(",", map { "$_=$FORM{$_}" } sort keys %FORM), "\n";
print "shown: ", scalar(@shown), "\n";
{ no warnings; print DEBUG "debug: $ENV{QUERY_STRING}\n"; }
print "debug handle: ", (defined fileno(DEBUG) ? "open" : "unopened"), "\n";

package Report;
our (@rows, @view);
*view = \@rows if $first;
@rows = (1, 2, 3);
print "rows in view: ", scalar(@view), "\n";
