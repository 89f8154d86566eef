package Menshen::SymNew;
# A module that declares one variable: a script makes others in its
# package through symbolic references (symref_module_new.pl).
our $declared = 0;
1;
