#!/usr/bin/perl
# The documented guard against external entities: every request sets
# XML::LibXML's global loader before it parses. XML::LibXML keeps that
# loader in a C global that it can set only once per process (a second
# call frees the first loader and keeps a dangling pointer).
use XML::LibXML;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
XML::LibXML::externalEntityLoader(sub { "no external entities ($n)" });
$xml = qq{<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY e SYSTEM "../lib/xs_entity.txt"> ]>\n<r>&e;</r>\n};
$doc = eval { XML::LibXML->new(expand_entities => 1)->parse_string($xml) };
print "Content-Type: text/plain\n\n";
print $doc ? $doc->documentElement->textContent : "error: $@", "\n";
