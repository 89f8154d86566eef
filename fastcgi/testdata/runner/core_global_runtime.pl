#!/usr/bin/perl
# Overrides of builtins a request makes as it runs (in CORE::GLOBAL::,
# under a name it makes at run time: a plugin system, a test double left
# in) are its own, as a CGI process's are: the next requests' string
# evals compile perl's own time, die, require and exit (the runner's
# override of exit comes back).
print "Content-Type: text/plain\n\n";
if ($ENV{QUERY_STRING} eq '0') {
    no strict 'refs';
    my $g = "CORE" . "::GL" . "OBAL::";
    *{ $g . "time" } = sub { 42 };
    *{ $g . "die" } = sub { CORE::die("HIJACKED: @_") };
    *{ $g . "require" } = sub { "required $_[0]" };
    *{ $g . "exit" } = sub { print "exit hijacked\n" };
}
my $t = eval "time";
print "string-eval time: ", ($t == 42 ? "42 (hijacked)" : "real"), "\n";
eval "die qq{plain\\n}";
print "string-eval die: $@";
my $r = eval "require strict";
print "string-eval require: $r\n";
eval "exit 3";
print "after exit\n";
