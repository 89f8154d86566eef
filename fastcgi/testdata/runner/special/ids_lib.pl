# Gives up root as its caller's query says: for the request only (a
# seteuid, which root can undo), its groups (a setegid and setgroups,
# which perl cannot undo to an empty list of groups), for good (setuid),
# or into a directory (chroot to $ENV{JAIL}).
my $how = $ENV{QUERY_STRING};
if ($how eq 'seteuid') {
    $> = 65534;
} elsif ($how eq 'setegid') {
    $) = "65534 65534";
} elsif ($how eq 'setuid') {
    POSIX::setgid(65534) or die "setgid: $!";
    POSIX::setuid(65534) or die "setuid: $!";
} elsif ($how eq 'chroot') {
    chroot($ENV{JAIL}) or die "chroot: $!";
    chdir('/');
}
print "now uid $< euid $> gid $( egid $)\n";
1;
