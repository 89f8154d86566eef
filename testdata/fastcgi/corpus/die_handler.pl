#!/usr/bin/perl
# die_handler.pl: the classic __DIE__ handler, which ignores dies inside
# evals ($^S) and turns a top-level die into its own error page.
$SIG{__DIE__} = sub {
    return if $^S;
    print "Status: 500 Internal Server Error\nContent-Type: text/plain\n\nsorry: $_[0]";
    exit 0;
};
eval { die "inside eval\n" };
die "top-level failure\n" if $ENV{QUERY_STRING} eq 'stay';
print "Content-Type: text/plain\n\ncaught: $@";
