#!/usr/bin/perl
# XML::LibXML::externalEntityLoader sets libxml2's loader for the whole
# process: one request's loader (a page that stubs out external
# entities) must not answer the next request's entities.
use XML::LibXML;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
XML::LibXML::externalEntityLoader(sub { "stub for $_[0]" }) if $n == 0;
$xml = qq{<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY e SYSTEM "../lib/xs_entity.txt"> ]>\n<r>&e;</r>\n};
$p = XML::LibXML->new(expand_entities => 1, load_ext_dtd => 1);
$doc = eval { $p->parse_string($xml) };
print "Content-Type: text/plain\n\n";
print $doc ? $doc->documentElement->textContent : "error: $@", "\n";
