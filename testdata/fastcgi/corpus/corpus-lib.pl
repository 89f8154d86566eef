# corpus-lib.pl: a library for requirer.pl (not a script: not executable).
our $lib_loads;
$lib_loads++;
sub lib_hello { return "hello from the library" }
1;
