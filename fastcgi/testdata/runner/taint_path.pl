#!/usr/bin/perl -wT
# Under -T, system() and backticks refuse the gateway's (tainted) PATH, as
# in CGI; after the script sets a clean PATH they run. Its stderr warning
# and the error are the same in both modes.
use strict;

print "Content-Type: text/plain\n\n";
my $ok = eval { system("true >/dev/null"); 1 };
(my $err = $@ // '') =~ s/ at .*//s;
print "system with the gateway's PATH: ", ($ok ? "ran" : "refused: $err"), "\n";
$ok = eval { my $d = `echo hi`; 1 };
($err = $@ // '') =~ s/ at .*//s;
print "backticks with the gateway's PATH: ", ($ok ? "ran" : "refused: $err"), "\n";
$ENV{PATH} = '/usr/bin:/bin';
delete @ENV{qw(IFS CDPATH ENV BASH_ENV)};
my $out = `echo clean path`;
print "backticks with a clean PATH: $out";
my $st = system("true >/dev/null");
print "system with a clean PATH: status $st\n";
my ($n) = ($ENV{QUERY_STRING} // '') =~ /\A(\d*)/;
$ok = eval { $out = `echo $ENV{QUERY_STRING}`; 1 };
($err = $@ // '') =~ s/ at .*//s;
print "tainted argument: ", ($ok ? "ran" : "refused: $err"), "\n";
$out = `echo untainted $n`;
print "untainted argument: $out";
warn "done under taint\n";
exit 3;
