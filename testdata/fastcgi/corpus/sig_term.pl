#!/usr/bin/perl
# sig_term.pl: a script sees %SIG as a fresh process has it, with no TERM
# handler of the runner's.
my @set = grep { defined $SIG{$_} && $SIG{$_} ne '' } sort keys %SIG;
print "Content-Type: text/plain\n\n";
print "TERM ", (defined $SIG{TERM} ? $SIG{TERM} : 'undef'), "\n";
print "set: @set\n";
