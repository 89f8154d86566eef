package Time::Zone;
# A stand-in for Time::Zone (libtimedate-perl, under Date::Format's %Z
# and %z, Date::Parse, MIME::Lite's Date field), core Perl only: its
# tz_local_offset keeps the local zone's offset in @tz_local, computed
# once per process from the TZ the process had then.
use strict;
use vars qw(@tz_local);
sub tz_local_offset {
    my ($time) = @_;
    $time = time() unless $time;
    my $isdst = (localtime $time)[8];
    return $tz_local[$isdst] //= calc_off($time);
}
sub calc_off {
    my ($time) = @_;
    my @l = localtime $time;
    my @g = gmtime $time;
    my $off = $l[0] - $g[0] + ($l[1] - $g[1]) * 60 + ($l[2] - $g[2]) * 3600;
    $off += 86400 * ($l[7] <=> $g[7]) if $l[7] != $g[7] && abs($l[7] - $g[7]) == 1;
    return $off;
}
1;
