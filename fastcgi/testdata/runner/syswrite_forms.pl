#!/usr/bin/perl
# syswrite to STDOUT in each form a script writes it (bareword, glob,
# glob reference, name, IO handle, lengths and offsets), in order with
# buffered prints, and every call perl warns about or refuses: the same
# bytes, return values, warnings and errors (with the script's line) as
# from a CGI process.
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
print "buffered\n";
my @r;
push @r, syswrite STDOUT, "bare\n";
push @r, syswrite(*STDOUT, "glob\n");
push @r, syswrite(\*STDOUT, "globref\n");
push @r, syswrite("STDOUT", "name\n");
my $name = "main::STDOUT";
push @r, syswrite($name, "qualified\n");
push @r, syswrite(*STDOUT{IO}, "io\n");
my $buf = "..offset..\n";
push @r, syswrite(STDOUT, $buf, 6, 2);
push @r, syswrite(STDOUT, $buf, 100, -3);
push @r, syswrite(STDOUT, $buf, 0);
push @r, syswrite(STDOUT, "length\n", "7");
my $latin = "caf\x{e9}\n";
utf8::upgrade($latin);
push @r, syswrite(STDOUT, $latin);
print "returns @r\n";
for my $try (
    sub { syswrite(STDOUT, undef) },
    sub { syswrite(STDOUT, "x", -1) },
    sub { syswrite(STDOUT, "x", 1, 5) },
    sub { syswrite(STDOUT, "x", 1, -5) },
    sub { syswrite(STDOUT, "x", "1.5") },
    sub { syswrite(STDOUT, "\x{263a}\n") },
) {
    my $r = eval { $try->() };
    print "r=", $r // 'undef', " err=", $@ || "none\n";
}
{
    no warnings;
    my $r = syswrite(STDOUT, undef);
    print "quiet r=$r\n";
}
binmode STDOUT, ':utf8';
my $r = eval { syswrite(STDOUT, "utf8 layer\n") };
print "utf8 layer r=", $r // 'undef', " err=", $@ || "none\n";
binmode STDOUT;
open(my $dup, '>&', \*STDOUT) or die "dup: $!";
syswrite($dup, "dup\n");
close $dup;
close STDOUT;
$r = syswrite(STDOUT, "closed\n");
print STDERR "closed r=", $r // 'undef', "\n";
