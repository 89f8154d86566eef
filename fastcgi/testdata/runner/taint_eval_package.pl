#!/usr/bin/perl -T
# Under -T, a string eval run from a package other than main compiles
# untainted constants, as in a new process: CGI::escapeHTML (through
# HTML::Entities' eval'd s///e) works in mon.cgi. A runner that compiled
# the script's own source tainted left the package name perl keeps for
# compilation tainted: every such eval's constants were tainted, an s///e
# died "sv_upgrade from type 7 down to type 6", a printf of a literal
# format "Insecure dependency".
use strict;
use Scalar::Util qw(tainted);
print "Content-Type: text/plain\n\n";
package Helper;
my $c = eval q{ "abc" };
print "constant tainted: ", (Scalar::Util::tainted($c) ? 1 : 0), "\n";
my $ok = eval q{ my $x = "a<b"; $x =~ s/(<)/sprintf("&#%d;", ord $1)/ge; print "s///e: $x\n"; 1 };
print "s///e died: $@" unless $ok;
$ok = eval q{ printf "printf: %s\n", "literal format"; 1 };
print "printf died: $@" unless $ok;
my $sub = eval q{ sub { my $s = shift; $s =~ s/([&<>])/'&#'.ord($1).';'/ge; $s } };
print "eval'd sub: ", ($sub ? $sub->("x&y") : "died: $@"), "\n";
