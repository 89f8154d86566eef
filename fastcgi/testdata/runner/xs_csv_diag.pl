#!/usr/bin/perl
# Text::CSV_XS keeps the error of the last failed new() in a file
# lexical, which the class method error_diag reports.
use Text::CSV_XS;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
$csv = Text::CSV_XS->new({ sep_chr => ';' }) if $n == 0;
print "Content-Type: text/plain\n\n";
print "diag: ", (Text::CSV_XS->error_diag)[0] + 0, "\n";
$csv = Text::CSV_XS->new({ binary => 1 });
$csv->parse(qq{a,"b"c,d}) or print "parse: ", join('|', ($csv->error_diag)[0,1]), "\n";
