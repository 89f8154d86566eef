# tally.pl: a file the script runs with `do` on every request, keeping a
# count in a package of its own, which has no sub.
package tally;
$runs++;
push(@queries, $ENV{QUERY_STRING});
"runs $runs, queries @queries";
