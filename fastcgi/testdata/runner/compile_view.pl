#!/usr/bin/perl
# What the script's compilation sees is a new process's: no handler of
# the runner's in %SIG, no hook of its in @INC, and callers that end at
# the script (CGI::Carp names it in a compile-time warning's stamp).
use strict;
use warnings;
our ($warn_handler, $hooks, $outer);
BEGIN {
    $warn_handler = ref $SIG{__WARN__} || 'none';
    $hooks = grep { ref } @INC;
    my $i = 0;
    $i++ while caller($i + 1);
    $outer = (caller($i))[1] // 'none';
    $outer =~ s{.*/}{};
}
print "Content-Type: text/plain\n\n";
print "warn handler: $warn_handler, hooks in \@INC: $hooks, outermost caller: $outer\n";
my $ok = eval "use No::Such::Module::Here; 1";
print "missing module: ", ($@ =~ /CODE\(/ ? "lists a hook" : "plain"), "\n";
