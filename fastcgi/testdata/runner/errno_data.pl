#!/usr/bin/perl
# A script with a data section starts with $! at 0, as any other (the
# runner opens DATA for each request: that must leave no trace in $!),
# and a bare die then exits with 255, as die takes the status from $!.
my $errno = $! + 0;
print "Content-Type: text/plain\n\n";
print "errno at start: $errno\n";
print "status: ", ($! ? "error: $!" : "ok"), "\n";
die "fatal\n" if $ENV{QUERY_STRING} eq 'die';
print "data: ", scalar(<DATA>);
__DATA__
some data
