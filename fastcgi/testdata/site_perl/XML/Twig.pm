package XML::Twig;
# Stand-in for XML::Twig's output styles (xml_twig_style.pl): kept in
# file lexicals of XML::Twig::Elt for the whole process, set through a
# twig's set_pretty_print, set_empty_tag_style and set_quote, read and
# written whole by XML::Twig::Elt::global_state and set_global_state, as
# XML/Twig.pm keeps them. It parses only a flat list of empty or text
# elements in one root.
use strict;
sub new { bless {}, shift }
sub set_pretty_print    { XML::Twig::Elt::set_pretty_print($_[1]) }
sub set_empty_tag_style { XML::Twig::Elt::set_empty_tag_style($_[1]) }
sub set_quote           { XML::Twig::Elt::set_quote($_[1]) }
sub global_state        { XML::Twig::Elt::global_state() }
sub set_global_state    { XML::Twig::Elt::set_global_state($_[1]) }
sub parse {
    my ($t, $xml) = @_;
    my ($root, $body) = $xml =~ m{\A<(\w+)>(.*)</\1>\z}s or die "not well-formed\n";
    my @kids;
    while ($body =~ m{\G<(\w+)((?:\s+\w+="[^"]*")*)\s*(?:/>|>([^<]*)</\1>)}gc) {
        my ($name, $atts, $text) = ($1, $2, $3);
        push @kids, [$name, [$atts =~ /(\w+)="([^"]*)"/g], $text];
    }
    $t->{root} = [$root, [], undef, \@kids];
    return $t;
}
sub sprint { XML::Twig::Elt::sprint($_[0]{root}, 0) }

package XML::Twig::Elt;
my $pretty          = 0;
my $quote           = '"';
my $INDENT          = '  ';
my $empty_tag_style = 0;
my %pretty_print_style = (none => 0, indented => 1);
my %empty_tag_style    = (normal => 0, html => 1, expand => 2);

sub set_pretty_print    { my $old = $pretty; $pretty = $pretty_print_style{ lc $_[0] } // $_[0]; $old }
sub set_empty_tag_style { my $old = $empty_tag_style; $empty_tag_style = $empty_tag_style{ lc $_[0] } // $_[0]; $old }
sub set_quote           { my $old = $quote eq '"' ? 'double' : 'single'; $quote = $_[0] eq 'single' ? "'" : '"'; $old }
sub global_state {
    return { pretty => $pretty, quote => $quote, indent => $INDENT, empty_tag_style => $empty_tag_style };
}
sub set_global_state {
    my $state = shift;
    $pretty          = $state->{pretty};
    $quote           = $state->{quote};
    $INDENT          = $state->{indent};
    $empty_tag_style = $state->{empty_tag_style};
}
sub sprint {
    my ($e, $depth) = @_;
    my ($name, $atts, $text, $kids) = @$e;
    my $nl = $pretty && $depth ? "\n" . ($INDENT x $depth) : '';
    my $s = "$nl<$name";
    for (my $i = 0; $i < @$atts; $i += 2) { $s .= " $atts->[$i]=$quote$atts->[$i + 1]$quote" }
    if (!defined $text && !($kids && @$kids)) {
        return $s . ($empty_tag_style == 2 ? "></$name>" : $empty_tag_style == 1 ? " />" : "/>");
    }
    $s .= '>' . ($text // '');
    $s .= sprint($_, $depth + 1) for @{ $kids || [] };
    return $s . ($kids && @$kids && $pretty ? "\n" . ($INDENT x $depth) : '') . "</$name>";
}
1;
