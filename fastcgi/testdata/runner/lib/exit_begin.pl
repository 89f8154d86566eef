# A library that ends the program as it compiles (exit_begin_runtime.pl).
BEGIN { print "lib begin\n"; exit 5 }
print "never\n";
1;
