package Menshen::Dot;
# An object that prints a dot when it is destroyed (stale_module_var.pl).
sub new { return bless {}, shift }
sub DESTROY { print "." }
1;
