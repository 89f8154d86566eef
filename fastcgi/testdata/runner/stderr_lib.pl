#!/usr/bin/perl
# stderr_lib.pl: STDERR moved where the script's own text does not show it
# (a required library): to the page, where warnings, a child's stderr and
# a die's message show in order with what is printed; to the
# application's log file; then put back from its saved dup, after which
# warnings reach the server's log again.
use File::Temp ();
require "./lib/errors.pl";
my $q = $ENV{QUERY_STRING};
$| = 1 if $q =~ /1/;
print "Content-Type: text/plain\n\n";
print "before\n";
errors_to_page();
warn "a warning in the page\n";
print STDERR "printed to STDERR\n";
print "between\n";
system('echo a child on stderr >&2');
if ($q =~ /die/) {
    $! = 0;    # (exit status 255: errno is not the same after a pipe's dup and a file's)
    die "fatal, in the page\n";
}
my (undef, $log) = File::Temp::tempfile(UNLINK => 1);
errors_to_log($log);
warn "a warning in the log\n";
system('echo a child in the log >&2');
errors_back();
warn "back on stderr\n";
open(my $fh, '<', $log) or die "read the log: $!";
print "log: $_" while <$fh>;
close $fh;
print "after\n";
