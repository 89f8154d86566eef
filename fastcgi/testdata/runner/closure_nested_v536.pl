#!/usr/bin/perl
# `use v5.36` turns warnings on without warnings::import: a real "will not
# stay shared" is heard, the wrapper's are not.
use v5.36;
print "Content-Type: text/plain\n\n";
my $file_lexical = 1;
sub uses_file_lexical { $file_lexical }
sub render_row {
    my $row = shift;
    sub cell { return "<td>$row</td>" }
    return "<tr>" . cell() . "</tr>";
}
say render_row($_) for qw(a b);
say uses_file_lexical();
