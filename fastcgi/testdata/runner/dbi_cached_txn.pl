#!/usr/bin/perl
# DBI->connect_cached, and a transaction the first user's request leaves
# open (an error caught without a rollback): in a CGI process the exit
# rolls it back; the next user must not see its row, nor commit it. A
# trace one request turns on is off for the next. (Rows of earlier users
# are left out: registry keeps the cached connection, as Apache::DBI.)
use strict;
use warnings;
use DBI;
my $start = $DBI::errstr // "undef";
my $dbh = DBI->connect_cached("dbi:SQLite:dbname=:memory:", "", "", {RaiseError => 1, PrintError => 0});
$dbh->do("create table if not exists orders (u text)");
my $q = $ENV{QUERY_STRING};
my $u = "user$q";
print "Content-Type: text/plain\n\n";
print "trace: ", DBI->trace, " errstr at start: $start\n";
DBI->trace(1, "/dev/null") if $q eq '1';
eval {
    $dbh->begin_work;
    $dbh->do("insert into orders values (?)", undef, $u);
    die "stock check failed\n" if $q eq '0';
    $dbh->commit;
    1;
} or do { print "order failed: $@"; exit };
my $rows = $dbh->selectall_arrayref("select u from orders where u in (?, 'user0')", undef, $u);
print "orders: ", join(',', map { $_->[0] } @$rows), "\n";
# The last error of a request (alice's, naming her) is not the next one's.
$dbh->do("select * from missing_$u") if $q eq '1';
print "errstr: ", ($DBI::errstr // 'undef'), "\n";
