# hits.pl: a Perl 4 library. Its state is in a package of its own, which
# has no sub: its entry point is in main (sub main'hit), as in flush.pl
# or ctime.pl. A CGI process starts with the package empty.
package hitlib;
$loaded++;
sub main'hit {
    $hits++;
    push(@seen, $_[0]);
    $seen{$_[0]}++;
    return "$hits (" . join(',', @seen) . "), " . scalar(keys %seen) . " seen, loaded $loaded";
}
1;
