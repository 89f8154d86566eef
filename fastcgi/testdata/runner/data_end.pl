#!/usr/bin/perl
# __END__ in the top-level script opens main::DATA too; seek DATA,0,0
# re-reads the script itself.
print "Content-Type: text/plain\n\n";
my @l = <DATA>;
print "lines=", scalar(@l), " first=$l[0]";
seek(DATA, 0, 0);
my $first = <DATA>;
print "script starts: $first";
__END__
one
two
