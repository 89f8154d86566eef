#!/usr/bin/perl
# XML::Twig's output styles are the process's, not the twig's: the
# indented, expanded, single-quoted output one user asked for must not
# be the next user's (testdata/site_perl/XML/Twig.pm stands in for the
# module).
use FindBin;
use lib "$FindBin::Bin/../site_perl";
use XML::Twig;
my ($n) = ($ENV{QUERY_STRING} || '') =~ /\bn=(\d+)/;
my $t = XML::Twig->new;
if ($n && $n % 2) {
    $t->set_pretty_print('indented');
    $t->set_empty_tag_style('expand');
    $t->set_quote('single');
}
$t->parse('<staff><p id="1">Ann</p><p id="2"/></staff>');
print "Content-Type: text/plain\n\n", $t->sprint, "\n";
