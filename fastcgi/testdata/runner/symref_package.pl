#!/usr/bin/perl
# Package variables a request makes through built names (${"${pkg}::$k"},
# ${"Session::owner"}, a stash element) are that request's: the next user
# must not find the first one's secret (query 0 sets them).
my $pkg = 'SiteConf';
if ($ENV{QUERY_STRING} eq '0') {
    ${"${pkg}::secret"} = 'alice-secret';
    ${"Session::owner"} = 'alice';
    $Cache::{"u_alice"} = 1;
}
print "Content-Type: text/plain\n\n";
print "secret=", (${"${pkg}::secret"} // 'none'), "\n";
print "owner=", (${"Session::owner"} // 'none'), "\n";
print "cache=", join(',', sort grep /^u_/, keys %Cache::), "\n";
