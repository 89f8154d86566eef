#!/usr/bin/perl
# /o compiles an interpolated pattern at its first run and keeps it: a
# new process compiles it with its own request's value. Forms the text
# scan cannot tell from other slashes and braces: auto finds the /o in
# the compiled code.
my $q = $ENV{QUERY_STRING};
my @all = map { "v$_" } 0 .. 3;
sub picked { my ($s) = @_; return $s =~ m!^v\Q$ENV{QUERY_STRING}\E$!o ? 'yes' : 'no' }
print "Content-Type: text/plain\n\n";
print "braces: ", join(',', grep { $_ =~ m{^v\Q$q\E$}o } @all), "\n";
print "grep: ", join(',', grep { /^v\Q$q\E$/o } @all), "\n";
my $re = qr{^v\Q$q\E$}o;
print "qr: ", join(',', grep { $_ =~ $re } @all), "\n";
(my $s = "a-v$q-b") =~ s{v\Q$q\E}{X}o;
print "subst: $s\n";
print "split: ", join('|', split m{\Q$q\E}o, "a${q}b${q}c"), "\n";
for (@all) { print "if: $_\n" if /^v\Q$q\E$/o }
print "sub: ", picked("v$q"), "\n";
