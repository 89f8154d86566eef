#!/usr/bin/perl
# `use Log::Log4perl qw(:easy)` under strict: Log4perl exports $DEBUG and
# DEBUG once per package (testdata/site_perl/Log/Log4perl.pm stands in).
# Each perlrun compilation is a new process's first: the import must
# export again, not find main noted by the last one (a compile error, a
# 502 from the second request on). The file-scope lexical in a named sub
# makes auto perlrun.
use strict;
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use Log::Log4perl qw(:easy);
my $level = $DEBUG;
sub level { return $level }
INFO("page");
print "Content-Type: text/plain\n\nlevel ", level(), " lines ", scalar(@Log::Log4perl::LINES), "\n";
@Log::Log4perl::LINES = ();
