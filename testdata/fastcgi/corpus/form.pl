#!/usr/bin/perl
# form.pl: a form handler reading a urlencoded POST body (or the query).
use strict;
use warnings;

my $data = $ENV{QUERY_STRING} // '';
if (($ENV{REQUEST_METHOD} // '') eq 'POST') {
    my $len = $ENV{CONTENT_LENGTH} // 0;
    my $got = read(STDIN, $data, $len);
    die "short body: $got of $len\n" if $got != $len;
}
my %f;
for my $pair (split /[&;]/, $data) {
    my ($k, $v) = split /=/, $pair, 2;
    for ($k, $v) {
        $_ //= '';
        tr/+/ /;
        s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    }
    push @{ $f{$k} }, $v;
}
print "Status: 201 Created\r\n" if exists $f{create};
print "Content-Type: text/plain; charset=utf-8\r\n";
print "Set-Cookie: a=1; Path=/\r\n";
print "Set-Cookie: b=2; Path=/\r\n";
print "X-Method: $ENV{REQUEST_METHOD}\r\n\r\n";
for my $k (sort keys %f) {
    print "$k=", join(',', @{ $f{$k} }), "\n";
}
print "fields ", scalar(keys %f), "\n";
