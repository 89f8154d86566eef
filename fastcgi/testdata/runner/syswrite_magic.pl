#!/usr/bin/perl
# syswrite reads each argument once, as perl does, through the runner's
# syswrite too (C8): a tied scalar's FETCH and an object's stringification
# run once a call, when the call writes and when perl refuses it.
use strict;
use warnings;

package Counter;
sub TIESCALAR { my ($class, @values) = @_; bless { n => 0, values => \@values }, $class }
sub FETCH {
    my ($self) = @_;
    return $self->{values}[ $self->{n}++ % @{ $self->{values} } ];
}
sub STORE { }

package Text;
use overload '""' => sub { my ($self) = @_; $self->{n}++; "object $self->{n}\n" };

package main;
print "Content-Type: text/plain\n\n";
$| = 1;
my $data = tie my $d, 'Counter', "tied data\n", "second value, longer\n";
my $len = tie my $l, 'Counter', 4, 100;
my $off = tie my $o, 'Counter', 2, 50;
my @r;
push @r, syswrite(STDOUT, $d);
push @r, syswrite(STDOUT, $d, $l);
push @r, syswrite(STDOUT, "\n..offset..\n", $l, $o);
print "\nreturns @r\n";
my $text = bless { n => 0 }, 'Text';
push @r, syswrite(STDOUT, $text);
print "returns @r, stringified $text->{n}\n";
my $wide = tie my $w, 'Counter', "\x{263a}\n", "narrow\n";
my $r = eval { syswrite(STDOUT, $w) };
print "wide r=", $r // 'undef', " err=$@";
print "fetches: data $data->{n}, length $len->{n}, offset $off->{n}, wide $wide->{n}\n";
