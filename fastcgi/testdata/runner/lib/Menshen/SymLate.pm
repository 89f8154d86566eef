package Menshen::SymLate;
# Loaded at run time by symref_module_new.pl, which adds to what it sets
# here and makes other variables in its package.
our $tag = "m";
our @list = ("a");
1;
