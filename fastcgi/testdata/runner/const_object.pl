#!/usr/bin/perl
# A constant that holds an object (a logger made at compile time): a CGI
# process destroys it at its exit, after the page, while its class still
# has its DESTROY; so must every request here (auto: perlrun, a constant
# computed at compile time).
package Logger;
sub new { my ($class, $name) = @_; return bless { name => $name }, $class }
sub DESTROY { print "DESTROY $_[0]{name}\n" }
package main;
use constant LOG => Logger->new('log');
print "Content-Type: text/plain\n\n";
print "logger=", LOG->{name}, " seen=", (LOG->{seen} // 'u'), "\n";
LOG->{seen}++;
