#!/usr/bin/perl
# LWP::Simple's user agent, shared by the process: the agent and default
# header one user's request set must not go out with the next user's
# fetches (testdata/site_perl/LWP/Simple.pm stands in for the module).
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use LWP::Simple qw(get $ua);
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
if ($n && $n % 2) {
    $ua->agent("Intranet/user$n");
    $ua->default_header('Accept-Language' => 'de');
}
print "Content-Type: text/plain\n\n", get("http://127.0.0.1/report?id=$n");
