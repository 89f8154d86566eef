#!/usr/bin/perl
# XML::Simple with the parser a request prefers, and its options.
use XML::Simple;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
$XML::Simple::PREFERRED_PARSER = 'XML::Parser' if $n == 0;
$ref = XMLin("<opt><user name='u$n' id='1'/><user name='x' id='2'/></opt>", KeyAttr => ['id']);
print "Content-Type: text/plain\n\n";
print XMLout($ref, RootName => 'r', NoAttr => ($n == 0 ? 1 : 0)), "\n";
print "parser: ", (defined $XML::Simple::PREFERRED_PARSER ? $XML::Simple::PREFERRED_PARSER : 'default'), "\n";
