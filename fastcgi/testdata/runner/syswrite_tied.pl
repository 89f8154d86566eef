#!/usr/bin/perl
# syswrite to a tied STDOUT calls the tie's WRITE, as in a CGI process:
# the runner's syswrite (C8) leaves it to perl (the class has no FILENO).
use strict;
use warnings;

package Collect;
sub TIEHANDLE { bless { buf => '' }, shift }
sub PRINT { my $self = shift; $self->{buf} .= join '', @_; 1 }
sub WRITE {
    my ($self, $buf, $len, $off) = @_;
    $len //= length $buf;
    $self->{buf} .= "[" . substr($buf, $off // 0, $len) . "]";
    return $len;
}

package main;
print "Content-Type: text/plain\n\n";
my $obj = tie *STDOUT, 'Collect';
print "printed\n";
my $r = syswrite(STDOUT, "written\n");
my $r2 = syswrite(STDOUT, "..part..", 4, 2);
undef $obj;
my $got = (tied *STDOUT)->{buf};
untie *STDOUT;
print "r=$r r2=$r2 got=$got\n";
