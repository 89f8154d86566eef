#!/usr/bin/perl
# A members page in CGI::Session's style: load() the visitor's session, or
# say why not. A load that failed (a corrupt session file: step0) leaves
# its error in the class (CGI::Session->errstr), and load() refuses while
# it is set: the next visitor's load must not fail for it, as in a new
# process.
use strict;
use warnings;
use CGI::Session;
my $dir = '/tmp/menshen-corpus-sessions';
mkdir $dir unless -d $dir;
# (Written whole under another name, then renamed: the same file of
# every run of the test at once, auto, perlrun and registry, is never
# read half written.)
open(my $fh, '>', "$dir/.new$$") or die "$dir: $!";
print $fh "this is not a session {{{\n";
close $fh;
rename("$dir/.new$$", "$dir/cgisess_corrupt0000000000000000000000000") or die "$dir: $!";
my ($step) = ($ENV{QUERY_STRING} || '') =~ /(\d+)/;
my $sid = ($step || 0) % 2 == 0 ? 'corrupt0000000000000000000000000' : undef;
print "Content-Type: text/plain\n\n";
my $s = CGI::Session->load('driver:File', $sid, { Directory => $dir });
if (!$s) {
    print "no session: ", (CGI::Session->errstr =~ /^(\S+)/)[0], "\n";
} else {
    print $s->is_empty ? "please log in\n" : "welcome back\n";
}
