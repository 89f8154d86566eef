# locklib.pl: a Perl 4 library that takes the site's write lock through a
# handle of its package (which has no sub of its own) and leaves its
# release to the end of the process, as CGI scripts did.
package locklib;
sub main'lock_site {
    open(LOCK, ">>$ENV{LOCK_FILE}") || die "lock: $!";
    flock(LOCK, 2) || die "flock: $!";
}
1;
