#!/usr/bin/perl
# syswrite's handle, looked at by the runner's syswrite (C8), leaves the
# script's $@ and its __DIE__ handler alone, and an undefined handle gets
# only perl's warning: as in a CGI process.
use strict;
use warnings;
print "Content-Type: text/plain\n\n";
$| = 1;
eval { die "first\n" };
syswrite(\*STDOUT, "globref\n");
print "after a glob reference: $@";
eval { die "second\n" };
open(my $null, '>', '/dev/null') or die "open: $!";
syswrite($null, "x");
print "after a lexical handle: $@";
my $dies = 0;
{
    local $SIG{__DIE__} = sub { $dies++; print "__DIE__: $_[0]" };
    my $r = eval { syswrite({}, "hash\n") };
    print "r=", $r // 'undef', " dies=$dies err=$@";
    $r = eval { syswrite(sub { 1 }, "code\n") };
    print "r=", $r // 'undef', " dies=$dies err=$@";
}
{
    no warnings 'uninitialized';
    my $h;
    my $r = syswrite($h, "undefined\n");
    print "undefined handle r=", $r // 'undef', "\n";
}
