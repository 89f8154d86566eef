#!/usr/bin/perl
# Variables tied to the script's own classes, whose tie objects say when
# they go: a CGI process's exit destroys them, after the page, and the
# next request ties anew (Apache::Session writes the session back so).
# A variable left tied by the last request would show in $was.
package Counter;
sub TIESCALAR { my ($c, $n) = @_; return bless { n => $n }, $c }
sub FETCH { $_[0]{n} }
sub STORE { $_[0]{n} = $_[1] }
sub DESTROY { $Counter::released = $_[0]{n} }    # (perl destroys its globals in no set order: one prints)
package Session;
sub TIEHASH { return bless { d => {} }, shift }
sub FETCH { $_[0]{d}{$_[1]} }
sub STORE { $_[0]{d}{$_[1]} = $_[2] }
sub EXISTS { exists $_[0]{d}{$_[1]} }
sub DESTROY { print "<!-- session saved: ", join(',', map { "$_=$_[0]{d}{$_}" } sort keys %{ $_[0]{d} }), " -->\n" }
package main;
my $was = tied(%session) ? 'still tied' : 'fresh';
tie $hits, 'Counter', 5;
tie %session, 'Session';
tie my %lexical, 'Session';
$hits++;
$session{user} = $ENV{QUERY_STRING};
$session{seen} = exists $session{user} ? 1 : 0;
$lexical{lex} = 'x';
print "Content-Type: text/html\n\n<p>hits: $hits, user $session{user}, $was</p>\n";
