package Menshen::Bare;
# A module that declares a setting and leaves it unset.
our $who;
our @seen;
1;
