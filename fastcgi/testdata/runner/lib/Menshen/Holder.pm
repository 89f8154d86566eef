package Menshen::Holder;
# Keeps references to what it is given: to a script's globals, for
# stale_module_var.pl.
our @KEEP;
sub keep { @KEEP = @_ }
1;
