# errors.pl: the cgi-lib-era helpers that move STDERR: errors shown in the
# page (a dup of STDOUT) or kept in the application's own log file, and
# STDERR put back from the dup saved first.
sub errors_to_page {
    open(SAVEERR, ">&STDERR") or die "save: $!";
    open(STDERR, ">&STDOUT") or die "to the page: $!";
}
sub errors_to_log {
    my ($file) = @_;
    open(STDERR, ">>$file") or die "to the log: $!";
}
sub errors_back {
    open(STDERR, ">&SAVEERR") or die "restore: $!";
    close(SAVEERR);
}
1;
