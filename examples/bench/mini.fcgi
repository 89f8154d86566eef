#!/usr/bin/perl
# mini.fcgi: the least a pure-Perl FastCGI responder does to run a CGI
# script (hello.pl, beside it) compiled once: read the records, %ENV from
# the params, STDOUT into a string, answer in one write. No isolation, no
# checks: a floor for the runner (BENCHMARKS.md, twenty-fifth session).
use strict; use warnings; use Socket;
use FindBin;
my $script = "$FindBin::Bin/hello.pl";    # beside it, as in the peers lab
open(my $lfh, '<&=', 0) or die;
my $src = do { local $/; open my $f, '<', $script or die; <$f> };
my $sub = eval "package main; sub { $src\n }" or die $@;
my %env0 = %ENV;
while (accept(my $c, $lfh)) {
  my $buf = '';
  REQ: while (1) {
    my ($params, $id, $keep) = ('', 0, 0);
    while (1) {
      while (length($buf) < 8) { sysread($c, $buf, 65536, length $buf) or last REQ }
      my ($v, $t, $rid, $len, $pad) = unpack('CCnnC', $buf);
      while (length($buf) < 8 + $len + $pad) { sysread($c, $buf, 65536, length $buf) or last REQ }
      my $content = substr($buf, 8, $len); substr($buf, 0, 8 + $len + $pad, '');
      if ($t == 1) { $id = $rid; $keep = (unpack('nC', $content))[1] & 1 }
      elsif ($t == 4) { $params .= $content }
      elsif ($t == 5) { last unless $len }
    }
    %ENV = ();
    my ($off, $l) = (0, length $params);
    while ($off < $l) {
      my $nl = ord substr($params, $off++, 1); if ($nl > 127) { $nl = unpack('N', substr($params, $off - 1, 4)) & 0x7fffffff; $off += 3 }
      my $vl = ord substr($params, $off++, 1); if ($vl > 127) { $vl = unpack('N', substr($params, $off - 1, 4)) & 0x7fffffff; $off += 3 }
      $ENV{substr($params, $off, $nl)} = substr($params, $off + $nl, $vl); $off += $nl + $vl;
    }
    my $out = '';
    {
      local *STDOUT; open(STDOUT, '>', \$out) or die;
      eval { $sub->(); 1 };
      close STDOUT;
    }
    my $resp = '';
    for (my $o = 0; $o < length $out; $o += 65535) { my $ch = substr($out, $o, 65535); $resp .= pack('CCnnCx', 1, 6, $id, length $ch, 0) . $ch }
    $resp .= pack('CCnnCx', 1, 6, $id, 0, 0) . pack('CCnnCx', 1, 3, $id, 8, 0) . pack('NCx3', 0, 0);
    syswrite($c, $resp);
    last unless $keep;
  }
}
