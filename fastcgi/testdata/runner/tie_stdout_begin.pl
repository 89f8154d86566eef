#!/usr/bin/perl
# STDOUT tied in a BEGIN block to a class of the script, which an END
# block unties to print the page it buffered (auto runs it perlrun for
# its BEGIN block; registry, compiling it once, wrote every page after
# the first unfiltered, without its header).
package Buffer;
sub TIEHANDLE { bless { buf => '' }, $_[0] }
sub PRINT { my $s = shift; $s->{buf} .= join '', @_; 1 }
package main;
BEGIN { tie *STDOUT, 'Buffer' }
END {
    my $page = (tied *STDOUT) ? (tied *STDOUT)->{buf} : "(STDOUT was not tied)\n";
    untie *STDOUT;
    print "Content-Type: text/plain\n\n", uc $page;
}
print "a page to filter\n";
