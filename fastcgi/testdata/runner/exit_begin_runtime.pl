#!/usr/bin/perl
# exit in a BEGIN block of code the script compiles as it runs (a string
# eval's, a required file's, do FILE's, a module's import through a
# string eval's `use`) ends the process there, as any exit does: nothing
# after it runs, not even in that BEGIN block; END blocks do, with the
# status; a __DIE__ hook hears nothing.
use lib 'lib';
my $how = $ENV{QUERY_STRING};
print "Content-Type: text/plain\n\nbefore\n" unless $how eq 'bare';
END { print "end: $?\n" if $ENV{QUERY_STRING} ne 'bare' }
if ($how eq 'eval') {
    eval "BEGIN { exit }";
} elsif ($how eq 'bare') {
    eval "BEGIN { exit 3 }";
} elsif ($how eq 'sub') {
    sub f { eval q{BEGIN { exit 0 }}; print "in f after\n" }
    f();
} elsif ($how eq 'require') {
    require "./lib/exit_top.pl";
} elsif ($how eq 'require_begin') {
    require "./lib/exit_begin.pl";
} elsif ($how eq 'do') {
    do "./lib/exit_begin.pl";
    print "do: $@";
} elsif ($how eq 'use') {
    eval "use Menshen::ExitImport; 1" or print "caught: $@";
} elsif ($how eq 'diehook') {
    $SIG{__DIE__} = sub { print "die hook: $_[0]" };
    eval "BEGIN { exit 2 }";
} elsif ($how eq 'nested') {
    eval q{ BEGIN { eval { my @x = sort { exit 6 } 1, 2 }; print "in begin after\n" } };
} elsif ($how eq 'inner') {
    eval q{ BEGIN { eval "BEGIN { exit 8 }"; print "outer begin after\n" } };
}
print "after\n";
