#!/usr/bin/perl
# select of another handle, $0 and @ARGV, srand.
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
print "Content-Type: text/plain\n\n";
if ($n == 0) { open(NULLH, '>/dev/null'); select(NULLH); $| = 1; srand(42); @ARGV = ('x'); $0 = 'renamed'; }
print "to stdout? n=$n\n";
select(STDOUT);
print "argv: @ARGV\n0: ", ($0 =~ m{([^/]+)$})[0], "\n";
srand(7) if $n > 0; print "rand: ", int(rand(1000)), "\n" if $n > 0;
