#!/usr/bin/perl
# A constant redefined at run time (its symbol becomes a glob with another
# sub): a new process would see the constant again, so auto leaves
# registry after the first request.
use constant LIMIT => 10;
if ($ENV{QUERY_STRING} eq 'q=0') {
    no warnings 'redefine';
    no strict 'refs';
    *{'main::LIMIT'} = sub () { 20 };    # (by name: the symbol stays a bare constant until then)
}
print "Content-Type: text/plain\n\n";
print "limit=", main->can('LIMIT')->(), " inlined=", LIMIT, "\n";
