#!/usr/bin/perl -w
# A %SIG hook one request's BEGIN sets over its data (query 0: alice's)
# is that request's: the next compilation, which sets none, must not find
# it (it would print alice's data into the next user's page).
BEGIN {
    if ($ENV{QUERY_STRING} eq '0') {
        my $user = 'alice';
        $SIG{__WARN__} = sub { print "[${user}'s hook] $_[0]" };
    }
}
print "Content-Type: text/plain\n\n";
warn "a warning\n";
print "body\n";
