#!/usr/bin/perl
# report.pl -- "SPC intranet report": X-bar / R control charts for a shaft
# diameter, in the manner of a 2003 quality-department CGI script.
#
# Demonstrates the classic slow legacy page: every request pays for starting
# the interpreter and loading a pile of core modules, while the real work
# (read a small CSV, compute control limits, draw an inline SVG) is cheap --
# exactly what a persistent runner removes.  The output depends only on the
# data file and the query, never on time, pid or randomness, so CGI and
# FastCGI modes must answer byte for byte the same.
#
# Data: report-data/measurements.csv next to this script (subgroups of n=5).
# Query: chart=xbar|r|both (default both), format=html|json|text (default
# html; json is canonical JSON::PP), debug=1 adds a Data::Dumper comment.
# From a shell: ./report.pl --format=text --chart=xbar
#
# Statistics: grand mean, mean range, X-bar limits (X +/- A2*R), R limits
# (D3*R, D4*R), sigma = R/d2, Cp/Cpk; out-of-control points by Western
# Electric rules 1-4 on the X-bar chart and rule 1 on the R chart.
use strict;
use warnings;
use POSIX qw(floor ceil);
use Data::Dumper ();
use Storable qw(dclone);
use Encode qw(encode);
use JSON::PP ();
use Time::Piece ();
use File::Find ();
use Math::BigInt ();
use Math::BigFloat ();
use List::Util qw(sum min max first);
use Digest::MD5 qw(md5_hex);
use Digest::SHA ();
use MIME::Base64 qw(encode_base64);
use Text::Wrap ();
use Text::Balanced ();
use Text::ParseWords qw(parse_line);
use Getopt::Long ();
use File::Spec ();
use File::Basename qw(dirname basename);
use File::Temp ();
use IO::File ();
use IO::Handle ();
use Scalar::Util qw(looks_like_number);
use Pod::Usage ();
use Unicode::Normalize ();

use vars qw($VERSION %CONST %Q $DATAFILE);
$VERSION = '1.7';

# Control chart constants for subgroups of n = 5 (ASTM STP 15D / AIAG SPC manual).
%CONST = (n => 5, A2 => 0.577, D3 => 0, D4 => 2.114, d2 => 2.326);

$DATAFILE = File::Spec->catfile('report-data', 'measurements.csv');

# ---------------------------------------------------------------- parameters

%Q = (chart => 'both', format => 'html', debug => 0);
if (defined $ENV{GATEWAY_INTERFACE}) {
    my $method = defined $ENV{REQUEST_METHOD} ? uc $ENV{REQUEST_METHOD} : 'GET';
    if ($method ne 'GET' && $method ne 'HEAD') {
        print "Status: 405 Method Not Allowed\r\nAllow: GET, HEAD\r\n";
        print "Content-Type: text/plain\r\n\r\n";
        print "report.pl only answers GET and HEAD\n";
        exit 0;
    }
    foreach my $pair (split /[&;]/, defined $ENV{QUERY_STRING} ? $ENV{QUERY_STRING} : '') {
        next if $pair eq '';
        my ($k, $v) = split /=/, $pair, 2;
        $v = '' unless defined $v;
        foreach ($k, $v) { tr/+/ /; s/%([0-9A-Fa-f]{2})/chr hex $1/eg; }
        $Q{lc $k} = lc $v if exists $Q{lc $k};
    }
} else {
    Getopt::Long::GetOptions('chart=s' => \$Q{chart}, 'format=s' => \$Q{format},
                             'debug' => \$Q{debug})
        or die "usage: $0 [--chart=xbar|r|both] [--format=html|json|text] [--debug]\n";
}
if ($Q{chart} !~ /^(?:xbar|r|both)$/) {
    bad_request("chart must be one of xbar, r, both");
}
if ($Q{format} !~ /^(?:html|json|text)$/) {
    bad_request("format must be one of html, json, text");
}
$Q{debug} = ($Q{debug} && $Q{debug} ne '0') ? 1 : 0;

# ---------------------------------------------------------------- data

my $path = $DATAFILE;
unless (-r $path) {    # not started in the script's directory
    $path = File::Spec->catfile(dirname($0), $DATAFILE);
}
my $data = read_data($path);
my $stats = compute(\%CONST, $data->{subgroups});

# ---------------------------------------------------------------- output

if ($Q{format} eq 'json') {
    print "Content-Type: application/json\r\n\r\n";
    print JSON::PP->new->canonical->pretty->encode(json_doc(\%CONST, $data, $stats));
} elsif ($Q{format} eq 'text') {
    print "Content-Type: text/plain; charset=UTF-8\r\n\r\n";
    print encode('UTF-8', text_report(\%CONST, $data, $stats, $Q{chart}));
} else {
    print "Content-Type: text/html; charset=UTF-8\r\n\r\n";
    my $page = html_report(\%CONST, $data, $stats, \%Q);
    print encode('UTF-8', $page);
}
exit 0;

# ================================================================= subs

sub bad_request {
    my ($msg) = @_;
    print "Status: 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n$msg\n";
    exit 0;
}

sub server_error {
    my ($msg) = @_;
    print STDERR "report.pl: $msg\n";
    print "Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n";
    print "The SPC report could not be produced; see the server log.\n";
    exit 0;
}

# Reads the measurement log: "# key: value" header lines (several per line,
# separated by ';'), a column header line, then one subgroup per line.
sub read_data {
    my ($file) = @_;
    my $fh = IO::File->new($file, 'r') or server_error("cannot open $file: $!");
    binmode $fh;
    my (%meta, @comments, @subgroups, @columns);
    my $raw = '';
    while (defined(my $line = $fh->getline)) {
        $raw .= $line;
        $line =~ s/\r?\n\z//;
        next if $line =~ /^\s*$/;
        if ($line =~ /^#\s?(.*)$/) {
            my $c = $1;
            push @comments, $c;
            foreach my $part (split /;\s*/, $c) {
                $meta{lc $1} = $2 if $part =~ /^\s*([A-Za-z_]+):\s*(.*?)\s*$/;
            }
            next;
        }
        my @f = parse_line(',', 0, $line);
        if (!@columns) {
            @columns = @f;
            next;
        }
        my @x = grep { defined $f[$_] && $columns[$_] =~ /^x\d+$/ } 0 .. $#columns;
        my @values = @f[@x];
        foreach my $v (@values) {
            server_error("$file line $.: bad measurement '" . (defined $v ? $v : '') . "'")
                unless defined $v && looks_like_number($v);
        }
        server_error("$file line $.: expected $CONST{n} samples, got " . scalar(@values))
            unless @values == $CONST{n};
        push @subgroups, {
            id       => $f[0] + 0,
            time     => defined $f[1] ? $f[1] : '',
            operator => defined $f[2] ? $f[2] : '',
            values   => [ map { $_ + 0 } @values ],
            text     => [ @values ],
            note     => defined $f[-1] && $columns[-1] eq 'note' ? $f[-1] : '',
        };
    }
    $fh->close;
    server_error("$file: no subgroups") unless @subgroups;
    return { meta => \%meta, comments => \@comments, subgroups => \@subgroups,
             raw => $raw, md5 => md5_hex($raw), file => basename($file) };
}

sub mean { return sum(@_) / scalar(@_) }

# Western Electric rules on a series: returns, per point, the list of rules
# it completes (1: beyond 3 sigma; 2: 2 of 3 beyond 2 sigma, same side;
# 3: 4 of 5 beyond 1 sigma, same side; 4: 8 in a row on one side).
sub we_rules {
    my ($v, $center, $sigma, $only_rule1) = @_;
    my @flags = map { [] } @$v;
    for my $i (0 .. $#$v) {
        my $z = $sigma > 0 ? ($v->[$i] - $center) / $sigma : 0;
        push @{ $flags[$i] }, 1 if abs($z) > 3;
        next if $only_rule1;
        foreach my $side (1, -1) {
            my $count = sub {
                my ($len, $limit) = @_;
                return 0 if $i + 1 < $len;
                return scalar grep { $side * ($v->[$_] - $center) > $limit * $sigma }
                    $i - $len + 1 .. $i;
            };
            next unless $side * ($v->[$i] - $center) > 0;
            push @{ $flags[$i] }, 2 if $side * ($v->[$i] - $center) > 2 * $sigma
                                       && $count->(3, 2) >= 2;
            push @{ $flags[$i] }, 3 if $side * ($v->[$i] - $center) > $sigma
                                       && $count->(5, 1) >= 4;
            push @{ $flags[$i] }, 4 if $count->(8, 0) == 8;
        }
    }
    return \@flags;
}

# The exact sum of decimal numbers as written, a Math::BigFloat. Gauge
# readings ("25.003") are added as integers of their last decimal place,
# which is exact and a hundred times cheaper than adding BigFloats; anything
# else (an exponent, more digits than an integer holds) is added as BigFloats.
sub exact_sum {
    my @text = @_;
    return big_sum(@text) if @text > 9000;    # an integer could overflow
    my $places = 0;
    foreach (@text) {
        return big_sum(@text) unless /^([+-]?)(\d{1,9})(?:\.(\d{0,6}))?\z/;
        $places = length $3 if defined $3 && length $3 > $places;
    }
    my $units = 0;
    foreach (@text) {
        /^([+-]?)(\d+)(?:\.(\d*))?\z/;
        my $frac = defined $3 ? $3 : '';
        my $n = ($2 . $frac . '0' x ($places - length $frac)) + 0;
        $units += $1 eq '-' ? -$n : $n;
    }
    return Math::BigFloat->new($units . 'e-' . $places);
}

sub big_sum {
    my $total = Math::BigFloat->new(0);
    $total->badd(Math::BigFloat->new($_)) foreach @_;
    return $total;
}

sub compute {
    my ($c, $groups) = @_;
    my (@xbar, @range);
    my @text;
    foreach my $g (@$groups) {
        push @xbar,  mean(@{ $g->{values} });
        push @range, max(@{ $g->{values} }) - min(@{ $g->{values} });
        push @text, @{ $g->{text} };
    }
    # Grand mean summed exactly from the recorded digits, as the QA office
    # insisted after the 2002 audit (floating sums drifted in the 5th decimal).
    my $grand = exact_sum(@text)->bdiv(scalar(@text), 12)->numify;
    my $rbar  = mean(@range);
    my $sx    = $c->{A2} * $rbar / 3;         # sigma of the subgroup means
    my $sigma = $rbar / $c->{d2};             # estimated process sigma
    my %s = (
        k      => scalar(@$groups),
        xbar   => \@xbar,
        range  => \@range,
        x      => { center => $grand, ucl => $grand + $c->{A2} * $rbar,
                    lcl => $grand - $c->{A2} * $rbar, sigma => $sx },
        r      => { center => $rbar, ucl => $c->{D4} * $rbar, lcl => $c->{D3} * $rbar,
                    sigma => ($c->{D4} - 1) * $rbar / 3 },
        sigma  => $sigma,
    );
    $s{x_flags} = we_rules(\@xbar, $grand, $sx, 0);
    # R chart: rule 1 against the actual limits (the R distribution is skewed).
    $s{r_flags} = [ map { ($range[$_] > $s{r}{ucl} || $range[$_] < $s{r}{lcl}) ? [1] : [] }
                    0 .. $#range ];
    $s{x_ooc} = [ map { $groups->[$_]{id} } grep { @{ $s{x_flags}[$_] } } 0 .. $#xbar ];
    $s{r_ooc} = [ map { $groups->[$_]{id} } grep { @{ $s{r_flags}[$_] } } 0 .. $#range ];
    return \%s;
}

sub capability {
    my ($meta, $stats) = @_;
    my ($lsl, $usl) = ($meta->{lsl}, $meta->{usl});
    return undef unless defined $lsl && defined $usl && looks_like_number($lsl)
        && looks_like_number($usl) && $stats->{sigma} > 0;
    my $m = $stats->{x}{center};
    return { lsl => $lsl + 0, usl => $usl + 0,
             cp  => ($usl - $lsl) / (6 * $stats->{sigma}),
             cpk => min($usl - $m, $m - $lsl) / (3 * $stats->{sigma}) };
}

sub verdict {
    my ($stats) = @_;
    my %all = map { $_ => 1 } @{ $stats->{x_ooc} }, @{ $stats->{r_ooc} };
    return 'Process in statistical control: no subgroup violates the rules.' unless %all;
    my @parts;
    push @parts, 'X-bar chart: subgroup' . (@{ $stats->{x_ooc} } > 1 ? 's ' : ' ')
        . join(', ', @{ $stats->{x_ooc} }) if @{ $stats->{x_ooc} };
    push @parts, 'R chart: subgroup' . (@{ $stats->{r_ooc} } > 1 ? 's ' : ' ')
        . join(', ', @{ $stats->{r_ooc} }) if @{ $stats->{r_ooc} };
    return sprintf('Process NOT in statistical control: %d subgroup%s signal%s (%s). '
        . 'Investigate assignable causes before using these limits for monitoring.',
        scalar(keys %all), (keys(%all) > 1 ? 's' : ''), (keys(%all) > 1 ? '' : 's'),
        join('; ', @parts));
}

sub report_date {
    my ($meta) = @_;
    my $d = $meta->{report_date};
    return '' unless defined $d && $d =~ /^\d{4}-\d{2}-\d{2}$/;
    my $t = eval { Time::Piece->strptime($d, '%Y-%m-%d') } or return $d;
    return sprintf('%s, %d %s %d', $t->fullday, $t->mday, $t->fullmonth, $t->year);
}

sub num { my ($v, $d) = @_; return 0 + sprintf("%.${d}f", $v) }

sub json_doc {
    my ($c, $data, $s) = @_;
    my $cap = capability($data->{meta}, $s);
    my @groups;
    for my $i (0 .. $#{ $data->{subgroups} }) {
        my $g = $data->{subgroups}[$i];
        push @groups, {
            subgroup => $g->{id}, time => $g->{time}, operator => $g->{operator},
            note => $g->{note}, values => [ map { num($_, 3) } @{ $g->{values} } ],
            mean => num($s->{xbar}[$i], 5), range => num($s->{range}[$i], 3),
            xbar_rules => [ @{ $s->{x_flags}[$i] } ], r_rules => [ @{ $s->{r_flags}[$i] } ],
        };
    }
    my %meta = %{ dclone($data->{meta}) };
    return {
        report => { title => 'SPC report: X-bar / R chart', version => $VERSION,
                    report_date => $meta{report_date}, part => $meta{part},
                    characteristic => $meta{characteristic}, plant => $meta{plant},
                    machine => $meta{machine}, source => $data->{file},
                    source_md5 => $data->{md5} },
        constants => { map { $_ => $c->{$_} + 0 } sort keys %$c },
        subgroup_count => $s->{k},
        xbar_chart => { map { $_ => num($s->{x}{$_}, 6) } qw(center ucl lcl sigma) },
        r_chart => { map { $_ => num($s->{r}{$_}, 6) } qw(center ucl lcl) },
        sigma_hat => num($s->{sigma}, 6),
        capability => $cap ? { lsl => $cap->{lsl}, usl => $cap->{usl},
                               cp => num($cap->{cp}, 3), cpk => num($cap->{cpk}, 3) } : undef,
        out_of_control => { xbar => [ map { $_ + 0 } @{ $s->{x_ooc} } ],
                            r => [ map { $_ + 0 } @{ $s->{r_ooc} } ] },
        verdict => verdict($s),
        subgroups => \@groups,
    };
}

sub text_report {
    my ($c, $data, $s, $chart) = @_;
    my $m = $data->{meta};
    my $cap = capability($m, $s);
    local $Text::Wrap::columns = 72;
    my $out = "SPC REPORT -- " . ($m->{part} || 'unknown part') . "\n";
    $out .= '=' x 72 . "\n";
    $out .= sprintf("%-16s %s\n", 'Report date:', report_date($m));
    $out .= sprintf("%-16s %s\n", 'Characteristic:', $m->{characteristic} || '');
    $out .= sprintf("%-16s %s\n", 'Machine:', $m->{machine} || '');
    $out .= sprintf("%-16s %d subgroups of n=%d\n\n", 'Data:', $s->{k}, $c->{n});
    if ($chart ne 'r') {
        $out .= sprintf("X-bar chart   CL %.5f   UCL %.5f   LCL %.5f\n",
                        @{ $s->{x} }{qw(center ucl lcl)});
    }
    if ($chart ne 'xbar') {
        $out .= sprintf("R chart       CL %.5f   UCL %.5f   LCL %.5f\n",
                        @{ $s->{r} }{qw(center ucl lcl)});
    }
    $out .= sprintf("Sigma (R/d2)  %.5f", $s->{sigma});
    $out .= sprintf("   Cp %.2f   Cpk %.2f", $cap->{cp}, $cap->{cpk}) if $cap;
    $out .= "\n\n";
    $out .= sprintf("%4s  %-16s  %9s  %7s  %s\n", 'grp', 'time', 'mean', 'range', 'signals');
    for my $i (0 .. $s->{k} - 1) {
        my $g = $data->{subgroups}[$i];
        my @sig;
        push @sig, 'X:' . join('', @{ $s->{x_flags}[$i] }) if $chart ne 'r' && @{ $s->{x_flags}[$i] };
        push @sig, 'R:' . join('', @{ $s->{r_flags}[$i] }) if $chart ne 'xbar' && @{ $s->{r_flags}[$i] };
        $out .= sprintf("%4d  %-16s  %9.5f  %7.3f  %s\n", $g->{id}, $g->{time},
                        $s->{xbar}[$i], $s->{range}[$i], join(' ', @sig));
        $out =~ s/ +\n\z/\n/;
    }
    $out .= "\n" . Text::Wrap::wrap('', '', verdict($s)) . "\n";
    return $out;
}

sub h {
    my ($s) = @_;
    $s = '' unless defined $s;
    $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; $s =~ s/"/&quot;/g;
    return $s;
}

# A "nice" tick step (1, 2 or 5 times a power of ten) for about $n ticks.
sub nice_step {
    my ($span, $n) = @_;
    return 1 if $span <= 0;
    my $raw = $span / $n;
    my $mag = 10 ** floor(log($raw) / log(10));
    foreach my $m (1, 2, 5, 10) {
        return $m * $mag if $m * $mag >= $raw;
    }
    return 10 * $mag;
}

# Inline SVG control chart.  $o: title, values, labels, center/ucl/lcl,
# flags (per point rule lists), zones (sigma for the 1/2-sigma zone lines),
# decimals, symbol.
sub svg_chart {
    my ($o) = @_;
    my ($w, $h) = (760, 250);
    my ($left, $right, $top, $bottom) = (70, 110, 30, 40);
    my ($pw, $ph) = ($w - $left - $right, $h - $top - $bottom);
    my @v = @{ $o->{values} };
    my $lo = min($o->{lcl}, @v);
    my $hi = max($o->{ucl}, @v);
    my $pad = ($hi - $lo) * 0.08 || 0.001;
    ($lo, $hi) = ($lo - $pad, $hi + $pad);
    my $X = sub { $left + ($_[0] + 0.5) * $pw / scalar(@v) };
    my $Y = sub { $top + ($hi - $_[0]) / ($hi - $lo) * $ph };
    my $svg = sprintf(qq{<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" }
        . qq{viewBox="0 0 %d %d" font-family="Arial, Helvetica, sans-serif" font-size="11">\n},
        $w, $h, $w, $h);
    $svg .= sprintf(qq{<text x="%d" y="18" font-size="13" font-weight="bold">%s</text>\n},
                    $left, h($o->{title}));
    $svg .= sprintf(qq{<rect x="%d" y="%d" width="%d" height="%d" fill="#fbfbf4" stroke="#999"/>\n},
                    $left, $top, $pw, $ph);
    # y axis ticks
    my $step = nice_step($hi - $lo, 8);
    my $dec = max(0, -floor(log($step) / log(10) + 1e-9));
    for my $t (ceil($lo / $step) .. floor($hi / $step)) {
        my $y = $Y->($t * $step);
        $svg .= sprintf(qq{<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e4e4e4"/>}
            . qq{<text x="%d" y="%.1f" text-anchor="end">%.*f</text>\n},
            $left, $y, $left + $pw, $y, $left - 6, $y + 4, $dec, $t * $step);
    }
    # sigma zones
    if ($o->{zones}) {
        foreach my $k (-2, -1, 1, 2) {
            my $y = $Y->($o->{center} + $k * $o->{zones});
            $svg .= sprintf(qq{<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#bbb" }
                . qq{stroke-dasharray="1,3"/>\n}, $left, $y, $left + $pw, $y);
        }
    }
    # centre line and limits
    foreach my $l (['UCL', $o->{ucl}, '#c00000', '6,4'], ['CL', $o->{center}, '#006000', ''],
                   ['LCL', $o->{lcl}, '#c00000', '6,4']) {
        my ($name, $val, $col, $dash) = @$l;
        my $y = $Y->($val);
        $svg .= sprintf(qq{<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="1.5"%s/>}
            . qq{<text x="%d" y="%.1f" fill="%s">%s = %.*f</text>\n},
            $left, $y, $left + $pw, $y, $col, ($dash ? qq{ stroke-dasharray="$dash"} : ''),
            $left + $pw + 6, $y + 4, $col, $name, $o->{decimals}, $val);
    }
    # the series
    $svg .= qq{<polyline fill="none" stroke="#1f4e9c" stroke-width="1.2" points="}
        . join(' ', map { sprintf('%.1f,%.1f', $X->($_), $Y->($v[$_])) } 0 .. $#v) . qq{"/>\n};
    for my $i (0 .. $#v) {
        my @f = @{ $o->{flags}[$i] };
        my $col = !@f ? '#1f4e9c' : (grep { $_ == 1 } @f) ? '#e00000' : '#e08000';
        my $r = @f ? 5 : 3.5;
        $svg .= sprintf(qq{<circle cx="%.1f" cy="%.1f" r="%s" fill="%s"><title>subgroup %s: %s = %.*f%s</title></circle>\n},
            $X->($i), $Y->($v[$i]), $r, $col, $o->{labels}[$i], $o->{symbol}, $o->{decimals}, $v[$i],
            (@f ? ' (rule ' . join(', ', @f) . ')' : ''));
        $svg .= sprintf(qq{<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>\n},
            $X->($i), $top + $ph + 15, $o->{labels}[$i]);
    }
    $svg .= sprintf(qq{<text x="%d" y="%d" text-anchor="middle" fill="#555">subgroup</text>\n},
                    $left + $pw / 2, $h - 6);
    $svg .= "</svg>\n";
    return $svg;
}

sub html_report {
    my ($c, $data, $s, $q) = @_;
    my $m = $data->{meta};
    my $cap = capability($m, $s);
    my $XBAR = "x\x{304}";                  # x with combining macron
    my $SIGMA = "\x{3c3}";
    my @labels = map { $_->{id} } @{ $data->{subgroups} };
    my $self = defined $ENV{SCRIPT_NAME} ? $ENV{SCRIPT_NAME} : basename($0);
    my $title = 'SPC report ' . ($m->{part} || '');

    my $html = <<"EOT";
<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>@{[ h($title) ]}</title>
<style type="text/css">
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; background: #ffffff; }
h1 { font-size: 15pt; color: #003366; border-bottom: 2px solid #003366; }
table.data { border-collapse: collapse; }
table.data th { background: #003366; color: #ffffff; padding: 2px 6px; }
table.data td { border: 1px solid #cccccc; padding: 2px 6px; text-align: right; white-space: nowrap; }
table.data td.l { text-align: left; }
tr.ooc td { background: #ffdddd; }
.verdict { border: 1px solid #c00000; background: #fff4f4; padding: 6px; width: 740px; }
.ok { border-color: #006000; background: #f4fff4; }
.small { font-size: 8pt; color: #666666; }
</style>
</head>
<body>
<table width="760" cellpadding="0" cellspacing="0"><tr>
<td><b>QUALITY ASSURANCE &middot; INTRANET</b></td>
<td align="right" class="small">SPC report v$VERSION</td></tr></table>
<h1>@{[ h($title) ]}: @{[ h($m->{characteristic}) ]}</h1>
<table cellpadding="2">
<tr><td><b>Report date:</b></td><td>@{[ h(report_date($m)) ]}</td></tr>
<tr><td><b>Plant / machine:</b></td><td>@{[ h($m->{plant}) ]} / @{[ h($m->{machine}) ]}</td></tr>
<tr><td><b>Specification:</b></td><td>nominal @{[ h($m->{nominal}) ]} mm, LSL @{[ h($m->{lsl}) ]}, USL @{[ h($m->{usl}) ]}</td></tr>
<tr><td><b>Data:</b></td><td>$s->{k} subgroups of n = $c->{n} (@{[ h($data->{file}) ]})</td></tr>
</table>
<p>Charts: <a href="@{[ h($self) ]}?chart=both">both</a> |
<a href="@{[ h($self) ]}?chart=xbar">$XBAR only</a> |
<a href="@{[ h($self) ]}?chart=r">R only</a> |
<a href="@{[ h($self) ]}?format=json">JSON</a> |
<a href="@{[ h($self) ]}?format=text">plain text</a></p>
EOT

    my $vclass = (@{ $s->{x_ooc} } || @{ $s->{r_ooc} }) ? 'verdict' : 'verdict ok';
    $html .= qq{<p class="$vclass">} . h(verdict($s)) . "</p>\n";

    $html .= qq{<table class="data">\n<tr><th>chart</th><th>center line</th><th>UCL</th><th>LCL</th>}
          . qq{<th>$SIGMA (chart)</th></tr>\n};
    if ($q->{chart} ne 'r') {
        $html .= sprintf(qq{<tr><td class="l">$XBAR (A2 = %.3f)</td><td>%.5f</td><td>%.5f</td><td>%.5f</td><td>%.5f</td></tr>\n},
                         $c->{A2}, @{ $s->{x} }{qw(center ucl lcl sigma)});
    }
    if ($q->{chart} ne 'xbar') {
        $html .= sprintf(qq{<tr><td class="l">R (D3 = %.3f, D4 = %.3f)</td><td>%.5f</td><td>%.5f</td><td>%.5f</td><td>%.5f</td></tr>\n},
                         $c->{D3}, $c->{D4}, @{ $s->{r} }{qw(center ucl lcl sigma)});
    }
    $html .= "</table>\n";
    $html .= sprintf(qq{<p>Estimated process $SIGMA = R\x{304}/d2 = %.5f mm (d2 = %.3f)}, $s->{sigma}, $c->{d2});
    $html .= sprintf(qq{; capability Cp = %.2f, Cpk = %.2f}, $cap->{cp}, $cap->{cpk}) if $cap;
    $html .= ".</p>\n";

    if ($q->{chart} ne 'r') {
        $html .= svg_chart({ title => "$XBAR chart (subgroup means, mm)", values => $s->{xbar},
                             labels => \@labels, %{ $s->{x} }, flags => $s->{x_flags},
                             zones => $s->{x}{sigma}, decimals => 4, symbol => $XBAR });
        $html .= qq{<p class="small">Red: beyond the 3$SIGMA limits (rule 1). }
              . qq{Orange: Western Electric rules 2&ndash;4 (2 of 3 beyond 2$SIGMA, }
              . qq{4 of 5 beyond 1$SIGMA, 8 in a row on one side). Dotted: 1$SIGMA and 2$SIGMA zones.</p>\n};
    }
    if ($q->{chart} ne 'xbar') {
        $html .= svg_chart({ title => 'R chart (subgroup ranges, mm)', values => $s->{range},
                             labels => \@labels, %{ $s->{r} }, flags => $s->{r_flags},
                             zones => 0, decimals => 4, symbol => 'R' });
    }

    $html .= qq{<h2>Subgroups</h2>\n<table class="data">\n<tr><th>#</th><th>time</th><th>operator</th>};
    $html .= join('', map { "<th>x$_</th>" } 1 .. $c->{n});
    $html .= qq{<th>$XBAR</th><th>R</th><th>signals</th><th>note</th></tr>\n};
    for my $i (0 .. $s->{k} - 1) {
        my $g = $data->{subgroups}[$i];
        my @sig;
        push @sig, "$XBAR: rule " . join(', ', @{ $s->{x_flags}[$i] })
            if $q->{chart} ne 'r' && @{ $s->{x_flags}[$i] };
        push @sig, 'R: rule ' . join(', ', @{ $s->{r_flags}[$i] })
            if $q->{chart} ne 'xbar' && @{ $s->{r_flags}[$i] };
        $html .= sprintf(qq{<tr%s><td>%d</td><td class="l">%s</td><td class="l">%s</td>%s}
            . qq{<td><b>%.4f</b></td><td>%.3f</td><td class="l">%s</td><td class="l">%s</td></tr>\n},
            (@sig ? ' class="ooc"' : ''), $g->{id}, h($g->{time}), h($g->{operator}),
            join('', map { '<td>' . h($_) . '</td>' } @{ $g->{text} }),
            $s->{xbar}[$i], $s->{range}[$i], h(join('; ', @sig)), h($g->{note}));
    }
    $html .= "</table>\n";

    my $b64 = encode_base64($data->{raw}, '');
    $html .= qq{<p class="small"><a download="@{[ h($data->{file}) ]}" href="data:text/csv;base64,$b64">}
          . qq{Download the raw measurements</a> &middot; data checksum (MD5) $data->{md5}<br>\n};
    $html .= join("<br>\n", map { h($_) } @{ $data->{comments} }) . "</p>\n";
    if ($q->{debug}) {
        local $Data::Dumper::Sortkeys = 1;
        local $Data::Dumper::Indent = 1;
        my $dump = Data::Dumper->Dump([ { query => { %$q }, constants => $c,
                                          x => $s->{x}, r => $s->{r} } ], ['debug']);
        $dump =~ s/--/- -/g;
        $html .= "<!--\n$dump-->\n";
    }
    $html .= "</body>\n</html>\n";
    return $html;
}
