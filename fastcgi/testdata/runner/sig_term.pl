#!/usr/bin/perl
# %SIG during a request is a fresh process's: no TERM handler (the
# runner's own is out of sight); a script that ignores TERM survives its
# own kill, and the next request sees no trace of it.
print "Content-Type: text/plain\n\n";
printf "TERM=%s INT=%s HUP=%s\n", map { defined $SIG{$_} ? $SIG{$_} : 'undef' } qw(TERM INT HUP);
$SIG{TERM} = 'IGNORE';
kill 'TERM', $$;
print "survived\n";
