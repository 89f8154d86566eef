#!/usr/bin/perl
# Package variables a request makes through a symbolic reference whose
# string names the package (${"Session::owner"}), or through a stash
# element ($Cache::{...}), are that request's: the next user must not find
# the first one's (query 0 sets them). (A name built at run time,
# ${"${pkg}::x"}, names no package the runner could know: README.)
if ($ENV{QUERY_STRING} eq '0') {
    ${"Session::owner"} = 'alice';
    $Cache::{"u_alice"} = 1;
}
print "Content-Type: text/plain\n\n";
print "owner=", (${"Session::owner"} // 'none'), "\n";
print "cache=", join(',', sort grep /^u_/, keys %Cache::), "\n";
