#!/usr/bin/perl
# The signal mask is a process's: SIGUSR1 blocked by one request is not
# blocked in the next (its handler runs at once).
use POSIX qw(sigprocmask SIG_BLOCK SIG_UNBLOCK SIGUSR1);
print "Content-type: text/plain\n\n";
my $got = 0;
local $SIG{USR1} = sub { $got++ };
kill USR1 => $$;
print "delivered: $got\n";
sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGUSR1)) if $ENV{QUERY_STRING} eq 'block0' || $ENV{QUERY_STRING} eq 'block1';
