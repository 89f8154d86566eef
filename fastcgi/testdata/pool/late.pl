#!/usr/bin/perl
# late.pl: a raw FastCGI responder (no FCGI.pm) that, after each
# FCGI_END_REQUEST, sends a second whole answer on the kept connection (a
# double finish, a late flush): the pool tests' misbehaving worker. Its
# answers carry the query string, the client's own data. With late=SECS
# in the query, the second answer comes SECS after the first.
use strict; use warnings; use Socket;
open(my $l, '<&=', 0) or die "fd 0: $!";
sub rec { my ($t, $id, $c) = @_; $c //= ''; pack('CCnnCx', 1, $t, $id, length $c, 0) . $c }
while (accept(my $c, $l)) {
    binmode $c;
    my ($buf, %p, $keep) = ('');
    while (1) {
        my $n = sysread($c, $buf, 65536, length $buf);
        last if !$n;
        while (length $buf >= 8) {
            my (undef, $t, $id, $len, $pad) = unpack('CCnnC', $buf);
            last if length $buf < 8 + $len + $pad;
            my $body = substr($buf, 8, $len);
            substr($buf, 0, 8 + $len + $pad) = '';
            if ($t == 9) { syswrite($c, rec(10, 0, '')) }
            elsif ($t == 1) { %p = (); $keep = unpack('x2C', $body) & 1 }
            elsif ($t == 4) {
                while (length $body) {
                    my ($nl, $vl) = map { my $x = ord(substr($body, 0, 1)); $x & 0x80 ? unpack('N', substr($body, 0, 4, '')) & 0x7fffffff : ord(substr($body, 0, 1, '')) } 1 .. 2;
                    my $k = substr($body, 0, $nl, ''); $p{$k} = substr($body, 0, $vl, '');
                }
            }
            elsif ($t == 5 && $len == 0) {
                my $q = $p{QUERY_STRING} // '';
                my $end = rec(3, $id, pack('NCx3', 0, 0));
                my $answer = rec(6, $id, "Content-Type: text/plain\r\n\r\nanswer for $q\n") . rec(6, $id) . $end;
                my $late = rec(6, $id, "Content-Type: text/plain\r\n\r\nLATE copy for $q\n") . rec(6, $id) . $end;
                if ($q =~ /late=([\d.]+)/) {
                    # The copy comes that long after the end, while the
                    # connection waits for its next request.
                    syswrite($c, $answer);
                    select(undef, undef, undef, $1);
                    syswrite($c, $late);
                } else {
                    syswrite($c, $answer . $late);
                }
            }
        }
    }
    close $c;
}
