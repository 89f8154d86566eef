package Plug;
our %seen;
sub add { $seen{$_[0]}++; return join(',', sort keys %seen) }
1;
