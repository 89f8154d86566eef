#!/usr/bin/perl
# Where the code ends, as perl sees it: "<<" inside strings starts no
# here-doc (a pager's "<< Prev" link, a format picture), and __END__ may
# follow a statement on its line.
print "Content-Type: text/html\n\n";
print "<a href='?p=1'><< Prev</a> | <a href='?p=3'>Next >></a>\n";
my $pic = formline("@<<< @>>>", "ab", "cd"); print "$^A\n"; $^A = "";
print <<"EOT";
a real here-doc
EOT
print "data: ", join("|", map { chomp; $_ } <DATA>), "\n"; __END__
first
second
