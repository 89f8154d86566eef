#!/usr/bin/perl
# IO::Handle methods on STDOUT, select and $| on another handle.
STDOUT->autoflush(1);
print "Content-Type: text/plain\n\n";
my $old = select(STDERR); $| = 1; select($old);
STDOUT->printf("%s-%d\n", "x", 5);
STDOUT->flush;
print "selected=", (select() eq 'main::STDOUT' ? 'STDOUT' : select()), "\n";
