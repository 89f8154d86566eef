#!/usr/bin/perl
# keys %SIG are a new process's on every request: one for every signal,
# TERM included, whatever an earlier request set, ignored or deleted (a
# handler put back by deleting its element would take its key along, and
# a `for (keys %SIG)` loop would trap nothing from the 2nd request on).
print "Content-Type: text/plain\n\n";
my @keys = sort keys %SIG;
print scalar(@keys), " keys: @keys\n";
print "set: ", join(',', grep { defined $SIG{$_} } @keys), "\n";
my @trapped;
for my $sig (@keys) {
    next unless $sig =~ /^(?:HUP|INT|TERM|USR1)\z/;
    $SIG{$sig} = sub { exit 1 };
    push @trapped, $sig;
}
print "trapped: @trapped\n";
$SIG{USR2} = 'IGNORE';
$SIG{ALRM} = 'DEFAULT';
$SIG{__WARN__} = sub { print "warned: $_[0]" };
delete $SIG{QUIT};
delete $SIG{PIPE};
warn "once\n";
