# tofile.pl: the cgi-lib-era helper that runs code with STDOUT reopened
# to a file (a generated page, an export), then puts STDOUT back.
sub to_file {
    my ($file, $code) = @_;
    open(OLDOUT, ">&STDOUT") or die "dup: $!";
    open(STDOUT, '>', $file) or die "reopen: $!";
    $code->();
    close(STDOUT);
    open(STDOUT, ">&OLDOUT") or die "restore: $!";
    close(OLDOUT);
}
1;
