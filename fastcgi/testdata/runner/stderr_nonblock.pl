#!/usr/bin/perl
# An event loop's set-up: the handles it watches become non-blocking,
# STDERR among them (STDERR->blocking(0)), and appending; or a program
# the script runs does that to its own stderr, the same open file. A CGI
# process's stderr is a pipe of its own: the next one starts blocking. In
# the runner fd 2 is the gateway's pipe for the worker's life, where a
# later request's program would get EAGAIN and lose stderr lines.
use Fcntl;
use IO::Handle;
print "Content-Type: text/plain\n\n";
my $fl = fcntl(STDERR, F_GETFL, 0);
printf "stderr at start: O_NONBLOCK %d, O_APPEND %d\n", ($fl & O_NONBLOCK) ? 1 : 0, ($fl & O_APPEND) ? 1 : 0;
if ($ENV{QUERY_STRING} % 2) {
    system($^X, '-MIO::Handle', '-MFcntl', '-e', 'fcntl(STDERR, F_SETFL, fcntl(STDERR, F_GETFL, 0) | O_APPEND); STDERR->blocking(0)');
} else {
    fcntl(STDERR, F_SETFL, $fl | O_APPEND) or die "fcntl: $!";
    STDERR->blocking(0);
}
$fl = fcntl(STDERR, F_GETFL, 0);
printf "stderr now: O_NONBLOCK %d, O_APPEND %d\n", ($fl & O_NONBLOCK) ? 1 : 0, ($fl & O_APPEND) ? 1 : 0;
