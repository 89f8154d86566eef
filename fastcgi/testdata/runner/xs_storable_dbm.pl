#!/usr/bin/perl
# Storable to a file, SDBM and DB_File tied hashes, written and read
# back in the same request; a tie left open by one request.
use Storable qw(nstore retrieve freeze);
use SDBM_File; use DB_File; use Fcntl;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
$dir = "/tmp/menshen-xs-store-$$"; mkdir $dir;
$Storable::canonical = 1 if $n == 0;
nstore({ b => 1, a => [$n] }, "$dir/s");
$r = retrieve("$dir/s");
tie(%s, 'SDBM_File', "$dir/sdbm", O_RDWR | O_CREAT, 0640) or die "sdbm: $!";
$s{"k$n"} = $n;
tie(%d, 'DB_File', "$dir/db", O_RDWR | O_CREAT, 0640, $DB_BTREE) or die "db: $!";
$d{"k$_"} = $_ for 1 .. 3;
print "Content-Type: text/plain\n\n";
print "a=$r->{a}[0] keys=", join(',', sort keys %s), " db=", join(',', keys %d), "\n";
print "frozen: ", length(freeze({ x => 1 })), "\n";
untie %s; untie %d; system("rm", "-rf", $dir);
