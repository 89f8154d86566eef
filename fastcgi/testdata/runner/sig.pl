#!/usr/bin/perl
# %SIG handlers set by one request do not survive it.
print "Content-Type: text/plain\n\n";
printf "alrm=%s usr1=%s warn=%s\n", map { defined $SIG{$_} && $SIG{$_} ne '' ? (ref $SIG{$_} || $SIG{$_}) : 'none' } qw(ALRM USR1 __WARN__);
$SIG{ALRM} = sub { print "alarm\n" };
$SIG{USR1} = 'IGNORE';
$SIG{__WARN__} = sub { print "warned: $_[0]" };
alarm 30;
warn "hello\n";
