#!/usr/bin/perl -w
# A forward-declared sub that AUTOLOAD defines by a string eval on its
# first call: every new process runs AUTOLOAD once, and the sub it makes
# fills the declaration in place.
sub greet;
print "Content-Type: text/plain\n\n";
greet($ENV{QUERY_STRING});
sub AUTOLOAD {
    our $AUTOLOAD;
    (my $n = $AUTOLOAD) =~ s/.*:://;
    return if $n eq 'DESTROY';
    print "AUTOLOAD defines $n\n";
    eval "sub $n { print \"hello \$_[0]\\n\" }";
    die $@ if $@;
    goto &$AUTOLOAD;
}
