#!/usr/bin/perl -w
# A bareword directory handle the script leaves open (opendir without
# closedir, a common CGI idiom) goes at the end of the request in
# silence, as a process's exit closes it.
print "Content-Type: text/plain\n\n";
opendir(D, '.') or die "opendir: $!";
my @mine = grep { $_ eq 'opendir_bareword.pl' } readdir D;
print "found @mine\n";
package Lister;
opendir(DIR, '/') or die "opendir /: $!";
my $n = () = readdir DIR;
print "root has entries: ", ($n > 2 ? "yes" : "no"), "\n";
