#!/usr/bin/perl -T
# Under -T ${^TAINT} is not tainted in a new process, nor what is made of
# it. Read in a statement that read tainted data it is for the rest of
# the process, in this request only for the runner (which once tainted it
# itself, in every request: an open of a name made with it died).
use Scalar::Util qw(tainted);
print "Content-Type: text/plain\n\n";
print "at start tainted: ", (tainted(${^TAINT}) ? 1 : 0), "\n";
my $ok = eval { open(my $f, '>', "/dev/null" . substr(${^TAINT}, 0, 0)); 1 };
print "open with it: ", ($ok ? "ok" : "refused: $@"), "\n";
if ($ENV{QUERY_STRING} ne '' && ${^TAINT}) { }
print "now tainted: ", (tainted(${^TAINT}) ? 1 : 0), " \$^T sane: ", ($^T > 1e9 ? 1 : 0), "\n";
