package Menshen::ExitImport;
# A module whose import ends the program (exit_begin_runtime.pl).
sub import { print "import\n"; exit 7 }
1;
