#!/usr/bin/perl
# Binary documents written to STDOUT: an Excel sheet
# (Spreadsheet::WriteExcel to '-'), a PDF (PDF::API2), digests of them.
use Spreadsheet::WriteExcel;
use PDF::API2;
use Digest::MD5 qw(md5_hex);
use Digest::SHA qw(sha1_hex);
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
binmode STDOUT;
print "Content-Type: application/octet-stream\n\n";
open(my $fh, '>', \my $xls) or die;
my $wb = Spreadsheet::WriteExcel->new($fh);
my $ws = $wb->add_worksheet("Sheet$n");
$ws->write(0, 0, "row $n"); $ws->write(1, 0, 3.5 * $n);
$wb->close;
print "xls ", length($xls), " ", md5_hex($xls), "\n";
my $pdf = PDF::API2->new;
$pdf->info(CreationDate => "D:20260101000000", ModDate => "D:20260101000000", Producer => 'x');
my $page = $pdf->page; my $font = $pdf->corefont('Helvetica');
$page->text->font($font, 12) if $n == 0;
my $t = $page->text; $t->font($font, 10); $t->translate(50, 700); $t->text("page $n");
my $bytes = $pdf->to_string;
$bytes =~ s{/ID \[[^\]]*\]}{}g;
print "pdf ", length($bytes), " ", sha1_hex($bytes), "\n";
