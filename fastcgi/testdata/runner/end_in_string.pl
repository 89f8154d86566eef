#!/usr/bin/perl
# A line holding only __END__ inside a multi-line string is no token: the
# code goes on after it.
my $text = q{first line
__END__
last line};
print "Content-type: text/plain\n\n";
print "len=", length($text), "\n";
