#!/usr/bin/perl
# A named sub inside a named sub, using the outer sub's variable: in any
# process it sees the first call's value ever after (perl's "will not stay
# shared"), and a persistent interpreter would keep that one across
# requests: auto compiles it per request (perlrun).
use strict;
print "Content-Type: text/plain\n\n";
sub render_row {
    my $row = shift;
    sub cell { return "<td>$row</td>" }
    return "<tr>" . cell() . "</tr>";
}
print render_row($_), "\n" for ($ENV{QUERY_STRING}, 'b', 'c');
