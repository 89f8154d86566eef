#!/usr/bin/perl
# Old-style globals holding nested plain data, a global of the script's own
# package, and a symbol made at run time through a symbolic reference.
@rows = ();
push @rows, { id => scalar(@rows) + 1, tags => [qw(a b)], meta => { seen => \ "yes" } };
push @{ $rows[0]{tags} }, 'c';
$cfg{depth}{level} = (defined $cfg{depth}{level} ? $cfg{depth}{level} : 0) + 1;
$shared = [1, 2];
@pair = ($shared, $shared);
$name = 'dyn_' . scalar(@rows);
${$name} .= 'x';
@{$name} = (1) unless @{$name};
package Report;
our %cache;
$cache{hits}++;
package main;
print "Content-Type: text/plain\n\n";
print "rows=", scalar(@rows), " tags=@{ $rows[0]{tags} } seen=${ $rows[0]{meta}{seen} }\n";
print "level=$cfg{depth}{level} pair=", scalar(@{ $pair[1] }), "\n";
print "dyn=${$name} n=", scalar(@{$name}), " hits=$Report::cache{hits}\n";
print "defined=", (defined ${"dyn_2"} ? 1 : 0), "\n";
