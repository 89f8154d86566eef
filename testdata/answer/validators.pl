#!/usr/bin/perl
# validators.pl: an answer with validators and no Status, for conditional
# requests (see README.md).
use strict;
use warnings;

my $q = $ENV{QUERY_STRING} // '';
my %arg = map { my ($k, $v) = split /=/, $_, 2; ($k => $v // '') } split /&/, $q;
print "Status: 200\n" if exists $arg{status};
unless (exists $arg{none}) {
    print qq{ETag: "abc"\n};
    print "Last-Modified: Wed, 01 Jan 2025 00:00:00 GMT\n";
}
print "Content-Type: text/plain\n";
print "Cache-Control: max-age=60\n";
print "Set-Cookie: a=1\n";
print "X-Other: kept\n";
print "Content-Location: /doc/v1.txt\n";
print "Content-Language: en\n";
print "Content-Disposition: inline\n";
print "Content-Encoding: identity\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n" if exists $arg{encoded};
print "X-Pid: $$\n\n";
$| = 1 if exists $arg{sleep};
print "body\n";
sleep $1 if defined $arg{sleep} && $arg{sleep} =~ /\A(\d+)\z/;
print "x" x (256 << 10), "\n" if exists $arg{big};
if (defined $arg{tag} && $arg{tag} =~ /\A(\w+)\z/) {
    open my $fh, '>', "ended.$1.tmp" or die "ended.$1: $!";
    print $fh "$$\n";
    close $fh;
    rename "ended.$1.tmp", "ended.$1" or die "ended.$1: $!";
}
