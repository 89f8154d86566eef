#!/usr/bin/perl
# destroy_status.pl: objects destroyed as the process ends (a global, a
# file-scope lexical) see in $? the exit status, as the END blocks left
# it: a guard that commits only on success rolls back after `exit 1`, a
# die, or an END block that sets $?. (The runner's $? once went back to
# the script's own value before they ran.)
$| = 1;
package Txn { sub DESTROY { print "$_[0]{name}: ", ($? == 0 ? "COMMIT" : "ROLLBACK (exit status $?)"), "\n" } }
package main;
our $txn = bless { name => 'global' }, 'Txn';
my ($i) = ($ENV{QUERY_STRING} // '') =~ /(\d)/;
my $q = (qw(exit die end))[$i // 0];
# (Not for die: a lexical the unwinding of a die destroys sees the
# script's own $? in the runner, as the README says.)
my $lex;
$lex = bless { name => 'lexical' }, 'Txn' unless $q eq 'die';
print "Content-Type: text/plain\n\n";
`true`;    # $? as a command left it: 0
print "working ($q)\n";
END { $? = 3 if $q eq 'end' }
exit 1 if $q eq 'exit';
die "failed\n" if $q eq 'die';
print "done\n";
