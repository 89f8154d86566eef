#!/usr/bin/perl
# Stubbing an optional module out by hand, on the first request only: a
# later request's `require` must fail again, as in a new process, under
# every level that starts requests afresh (auto switches to perlrun).
$INC{'Fake/Mod.pm'} = 1 if $ENV{QUERY_STRING} eq '0';
my $ok = eval { require Fake::Mod; 1 } ? 'loaded' : 'missing';
print "Content-Type: text/plain\n\n";
print "request $ENV{QUERY_STRING}: Fake::Mod $ok\n";
