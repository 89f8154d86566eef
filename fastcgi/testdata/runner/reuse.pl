#!/usr/bin/perl
# What one request does to STDIN, STDOUT and STDERR never reaches the next:
# the runner keeps the handles between requests only while they are as new.
# ?0 changes layers, buffering, format state and reads STDIN to its end;
# ?1 and ?2 show what they get.
my $step = $ENV{QUERY_STRING} || 0;
print "Content-Type: text/plain; charset=utf-8\n\n";
printf "step %d: |=%d ==%d -=%d %%=%d ~=%s ^=%s\n", $step, $|, $=, $-, $%, $~, $^;
# (The runner's STDOUT shows its via layer, and its STDERR $| = 1.)
my @l = grep { !/^via/ } PerlIO::get_layers(STDOUT);
print "stdout layers: @l\n";
@l = PerlIO::get_layers(STDIN);
print "stdin layers: @l eof=", (eof(STDIN) ? 1 : 0), "\n";
if ($step == 0) {
    binmode STDOUT, ':utf8';
    binmode STDIN, ':crlf';
    $| = 1;
    $= = 10;
    $~ = 'OTHER';
    { my $old = select(STDERR); $| = 0; select($old); }
    warn "buffered stderr\n";
    my @in = <STDIN>;
    print "read ", scalar(@in), " lines\n";
}
print "wide: \x{263a}\n";
