# A cgi-lib.pl era helper library: its own `system`, which logs the
# command line before it runs it. Perl calls it only as &system(...):
# a plain system(...) in the script that requires it is perl's builtin.
sub system {
    print "[run: @_]\n";
    return CORE::system(@_);
}
sub PrintHeader { return "Content-Type: text/plain\n\n" }
1;
