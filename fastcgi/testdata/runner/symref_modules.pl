#!/usr/bin/perl
# A script with symbolic references (${"main::..."}) whose modules keep
# what they made: an XS module's packages (Encode), classes a module makes
# at run time, a module's package without subs, and a signal disposition
# a module set as it loaded (SIGPIPE ignored: a write to a closed pipe
# fails instead of killing the process). The same on every request.
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(encode);
use Menshen::Factory;
use Menshen::SigIgnore;
no strict 'refs';
my $action = 'show';
my $seen = ${"main::seen_$action"};
print "Content-Type: text/plain\n\n";
print length(encode("iso-8859-1", "caf\x{e9}")), "\n";
my $o = Menshen::Factory::make("Widget");
print eval { $o->hello } // "ERR: $@", "\n";
print "PIPE=", ($SIG{PIPE} // 'undef'), "\n";
pipe(my $r, my $w) or die "pipe: $!";
close $r;
my $ok = syswrite($w, "x");
print "write to a closed pipe: ", (defined $ok ? "ok" : "failed"), "\n";
