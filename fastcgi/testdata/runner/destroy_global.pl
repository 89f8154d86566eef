#!/usr/bin/perl
# An object held in a package global is destroyed after the END blocks,
# while STDOUT still goes to the client (a CGI process's global
# destruction), in every request. (One object: the order among several is
# perl's arena order, which varies between processes.)
package Foo;
sub new { bless { n => $_[1] }, $_[0] }
sub DESTROY { print "DESTROY $_[0]{n}\n" }
package main;
print "Content-Type: text/plain\n\n";
our %reg = (list => [Foo->new("global")]);
my $l = Foo->new("filelex");
END { print "END\n" }
print "body end\n";
