#!/usr/bin/perl
# XML::LibXML's class-level input callbacks (XML::LibXML->callbacks):
# one request's must not read the next request's files.
use XML::LibXML;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
XML::LibXML->callbacks(sub { 1 }, sub { \"<stub/>" }, sub { my $r = shift; my $s = $$r; $$r = ''; $s }, sub { }) if $n == 0;
$doc = eval { XML::LibXML->new->parse_file("lib/xs_doc.xml") };
print "Content-Type: text/plain\n\n";
print $doc ? $doc->documentElement->nodeName : "error: $@", "\n";
print "tagcomp: $XML::LibXML::setTagCompression\n";
$XML::LibXML::setTagCompression = 1 if $n == 0;
print XML::LibXML->new->parse_string("<a><b/></a>")->toString;
