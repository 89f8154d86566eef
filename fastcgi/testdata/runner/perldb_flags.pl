#!/usr/bin/perl
# Debugger flags set for better names in traces ($^P 0x100 and 0x200:
# "(eval 10)[file:line]" for a string eval, "__ANON__[file:line]" for an
# anonymous sub). A CGI process's die with it; the next one starts at 0.
print "Content-Type: text/plain\n\n";
my $anon = sub { (caller(0))[3] };
print "\$^P at start: $^P; an anonymous sub is named ", $anon->(), "\n";
eval 'die "in an eval\n"';
print "a string eval: ", (eval '(caller(0))[1]') =~ /\[/ ? "named after its place" : "numbered", "\n";
$^P |= 0x100 | 0x200;
