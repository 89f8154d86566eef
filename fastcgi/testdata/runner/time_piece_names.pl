#!/usr/bin/perl
# Time::Piece keeps its day and month names and its date separator in
# lexicals of its own file: the German names one user's page set must
# not be the next user's (the real module: it is core Perl).
use Time::Piece;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
if ($n && $n % 2) {
    Time::Piece::day_list(qw(So Mo Di Mi Do Fr Sa));
    Time::Piece::mon_list(qw(Jan Feb Mrz Apr Mai Jun Jul Aug Sep Okt Nov Dez));
    Time::Piece::date_separator('.');
}
my $t = Time::Piece->strptime("2024-03-05 10:20:30", "%Y-%m-%d %H:%M:%S");
print "Content-Type: text/plain\n\n";
print "day=", $t->day, " mon=", $t->monname, " date=", $t->date, " cdate=", $t->cdate, "\n";
