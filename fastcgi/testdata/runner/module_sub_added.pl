#!/usr/bin/perl
# Subs one request adds to a module's package (query 0: *Pkg::name = sub,
# and *{"UNIVERSAL::name"} = sub, whose glob only the request makes) are
# that request's: the next ones find neither, by name, by `defined` or as
# a method (perl's method cache must not keep them). They outlived the
# request in every level.
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::Conf;
my $obj = bless {}, 'Menshen::Conf';
print "Content-Type: text/plain\n\n";
print "before: ", (Menshen::Conf->can('dump') ? 'can' : 'cannot'), "\n";
if ($ENV{QUERY_STRING} eq '0') {
    *Menshen::Conf::dump = sub { "dump of " . ref $_[0] };
    *{"UNIVERSAL::describe"} = sub { "described " . ref $_[0] };
}
print "dump: ", (Menshen::Conf->can('dump') ? $obj->dump : 'none'), "\n";
print "defined: ", (defined &Menshen::Conf::dump ? 1 : 0), (defined &UNIVERSAL::describe ? 1 : 0), "\n";
print "describe: ", (eval { $obj->describe } // "none: $@"), "\n";
