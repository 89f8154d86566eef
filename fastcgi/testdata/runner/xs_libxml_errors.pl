#!/usr/bin/perl
# XML::LibXML: a parse error in one request, then a good parse; the
# recover flag and error text of the next.
use XML::LibXML;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
$p = XML::LibXML->new;
$p->recover_silently(1) if $n == 0;
$doc = eval { $p->parse_string($n == 0 ? "<a><b></a>" : "<a>$n</a>") };
print "Content-Type: text/plain\n\n";
print "doc: ", ($doc ? $doc->documentElement->toString : "none: " . ($@ =~ /^(.*)/)[0]), "\n";
$bad = eval { XML::LibXML->new->parse_string("<x><y></x>") };
print "bad: ", ($@ ? (split /\n/, "$@")[0] : 'parsed'), "\n";
print "version: ", XML::LibXML::LIBXML_RUNTIME_VERSION() > 0 ? 'ok' : 'no', "\n";
