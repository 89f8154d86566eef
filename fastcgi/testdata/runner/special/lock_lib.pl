#!/usr/bin/perl
# lock_lib.pl: takes the lock through a Perl 4 library (lib/locklib.pl)
# and holds it for ?hold=SECONDS; a request that cannot have it within 3
# seconds says so.
require "../lib/locklib.pl";
my $got = eval {
    local $SIG{ALRM} = sub { die "no lock after 3s\n" };
    alarm 3;
    &lock_site;
    alarm 0;
    1;
};
select(undef, undef, undef, $1) if $got && $ENV{QUERY_STRING} =~ /hold=([\d.]+)/;
print "Content-Type: text/plain\n\n", $got ? "locked\n" : $@;
