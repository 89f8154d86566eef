#!/usr/bin/perl
# __DATA__ belongs to the package in effect where the code ends: a package
# statement inside a block is over by then (main::DATA), one at file scope
# is not (see the second package line's effect on Other::DATA below).
{
    package Foo;
    sub new { bless {}, shift }
}
package Bar { sub hello { "hi" } }
print "Content-Type: text/plain\n\n";
print "main: $_" while <main::DATA>;
print "foo: ", (defined fileno(Foo::DATA) ? "open" : "closed"), "\n";
__DATA__
one
two
