package Menshen::Compiler;
# Compiles code the script hands it (a template engine, a rules engine).
use strict;
sub compile { my ($code) = @_; eval $code or die $@; return 1 }
1;
