# A library with a package of its own, run by do_package.pl with do FILE.
package Counter;
our $n;
our @seen;
$n++;
push @seen, "load";
sub get { return "n=$n seen=@seen" }
1;
