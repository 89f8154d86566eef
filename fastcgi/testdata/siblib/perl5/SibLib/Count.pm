package SibLib::Count;
# A CPAN module as local::lib or Carton installs it (a perl5 directory in
# its path), named by the script's `use lib` (special/cpan_tree.pl): a
# library, kept loaded with what it keeps, as perl's own modules.
use strict;
my $n = 0;
sub next_n { ++$n }
1;
