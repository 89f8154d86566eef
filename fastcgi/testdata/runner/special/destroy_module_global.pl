#!/usr/bin/perl
# An object held by a module's global that the script names: the runner
# puts the global back after the answer, and the object's DESTROY warns
# then. A CGI process warns at its exit (the gateway logs the line); the
# runner sent the line as an FCGI_STDERR record after FCGI_END_REQUEST,
# which no request reads: the line was lost and the gateway dropped the
# worker's kept connection.
package Noisy; sub new { bless {}, shift } sub DESTROY { warn "Noisy destroyed\n" }
package main;
use File::Basename ();
$File::Basename::held = Noisy->new;
print "Content-Type: text/plain\n\nok\n";
