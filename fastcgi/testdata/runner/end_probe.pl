#!/usr/bin/perl
# Where the code ends, as perl sees it, in what a line scan misreads:
# << in a regex, a format picture, qw() and q{}, an apostrophe in tr///,
# a <<\TAG here-doc holding "<<" and a POD-like line.
print "Content-type: text/html\n\n";
print "match\n" if "a<<b" =~ /a<<b/;
my @ops = qw(<< >> <=>);
my $nav = q{<<Prev | Next>>};
my $v = "it's"; my $q = ($v =~ tr/'//);
print "@ops $nav quotes=$q\n";
print <<\HTML;
<a href="?p=1"><<Back</a>
=head1 not pod
HTML
our $n = 3;
format STDOUT =
Count: @<<< items
$n
.
write;
print "data: ", join("|", map { chomp; $_ } <DATA>), "\n";
__DATA__
one
two
