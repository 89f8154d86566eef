#!/usr/bin/perl -w
# The same under -w: the real "will not stay shared" is heard, the
# wrapper's are not.
print "Content-Type: text/plain\n\n";
sub render_row {
    my $row = shift;
    sub cell { return "<td>$row</td>" }
    return "<tr>" . cell() . "</tr>";
}
print render_row($_), "\n" for qw(a b c);
my $file_lexical = 1;
sub uses_file_lexical { $file_lexical }
my sub helper { $file_lexical + 1 }
sub uses_helper { helper() }
my @list = (1, 2);
BEGIN { my $n = @list }
sub outer {
    my ($x, @y);
    sub inner { my $z = $x; return scalar @y }
    sub uses_both { $file_lexical . $x }
}
print uses_file_lexical(), uses_helper(), "\n";
