#!/usr/bin/perl -T
# Taint mode (-T on the shebang) is on, and taints what CGI taints: every
# %ENV value, the body, file and directory input; untainted: $0, @ARGV
# (empty), constants. Tainted data refused where perlsec refuses it.
use strict;
use warnings;
use Scalar::Util qw(tainted);

binmode STDIN;
my $body = '';
read(STDIN, $body, $ENV{CONTENT_LENGTH} || 0);
print "Content-Type: text/plain\n\n";
print "taint=${^TAINT}\n";
for my $k (sort keys %ENV) {
    print "env $k tainted=", (tainted($ENV{$k}) ? 1 : 0), "\n";
}
print "body tainted=", (tainted($body) ? 1 : 0), " length=", length($body), "\n";
print "\$0 tainted=", (tainted($0) ? 1 : 0), " argv=", scalar(@ARGV), "\n";
open(my $fh, '<', 'lib/words.txt') or die "words: $!";
my $line = <$fh>;
close $fh;
print "file line tainted=", (tainted($line) ? 1 : 0), "\n";
opendir(my $dh, 'lib') or die "lib: $!";
my @ents = grep { !/^\./ } readdir $dh;
closedir $dh;
print "readdir tainted=", (tainted($ents[0]) ? 1 : 0), "\n";
print "literal tainted=", (tainted("x") ? 1 : 0), " time tainted=", (tainted(time) ? 1 : 0), "\n";
my $q = $ENV{QUERY_STRING} // '';
my $ok = eval { open my $out, '>', "/dev/null/$q"; 1 };
(my $err = $@ // '') =~ s/ at .*//s;
print "tainted open: ", ($ok ? "allowed" : "refused: $err"), "\n";
$ok = eval { my $x = eval "1 + length('$q')"; die $@ if $@; 1 };
($err = $@ // '') =~ s/ at .*//s;
print "tainted eval: ", ($ok ? "allowed" : "refused: $err"), "\n";
$ok = eval { unlink "/nonexistent/$q"; 1 };
($err = $@ // '') =~ s/ at .*//s;
print "tainted unlink: ", ($ok ? "allowed" : "refused: $err"), "\n";
# An untainting regex gives clean data, which may be used.
my ($clean) = $q =~ /\A([\w=&+%.-]*)\z/;
$clean //= '';
print "untainted by regex: ", (tainted($clean) ? "still tainted" : "clean"), "\n";
$ok = eval { open my $out, '>', "/dev/null" . ($clean eq '' ? '' : '') ; close $out; 1 };
print "clean open: ", ($ok ? "allowed" : "refused"), "\n";
