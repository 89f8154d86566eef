#!/usr/bin/perl
# $^S is 0 at the script's top level, in its subs and END blocks, and 1 in
# its evals, as in a fresh process: the usual __DIE__ handler
# (`return if $^S`) prints its own page for a top-level die.
$SIG{__DIE__} = sub {
    return if $^S;
    print "Status: 500 Internal Server Error\nContent-Type: text/plain\n\nFATAL: $_[0]";
    exit 0;
};
sub s_value { defined $^S ? $^S : 'undef' }
print "Content-Type: text/plain\n\n" if $ENV{QUERY_STRING} ne 'die';
if ($ENV{QUERY_STRING} ne 'die') {
    print "top=", s_value(), "\n";
    eval { print "eval=", s_value(), "\n" };
    eval q{ print "string eval=", s_value(), "\n" };
    eval { die "caught\n" };
    print "after eval: $@";
    my $said;
    my @sorted = sort { print "sort=", s_value(), "\n" unless $said++; $a <=> $b } 2, 1;
    print "write: ", (eval { $^S = 1; 1 } ? "allowed" : $@ =~ /^Modification of a read-only value attempted at / ? "read-only\n" : $@);
}
END { print "end=", s_value(), "\n" if $ENV{QUERY_STRING} ne 'die' }
die "top-level failure\n" if $ENV{QUERY_STRING} eq 'die';
