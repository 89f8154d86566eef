# A library whose top level ends the program (exit_begin_runtime.pl).
print "in lib\n";
exit 4;
print "never\n";
1;
