#!/usr/bin/perl
# Objects that only the script's closures hold are destroyed at its end,
# as a CGI process's global destruction does, while their class exists
# and their DESTROY output reaches the client: a file-scope lexical a
# named sub uses, a singleton in a package's lexical, and a lexical a
# %SIG handler closes over.
package Session;
sub new { bless { id => $_[1] }, $_[0] }
sub DESTROY { print "session $_[0]{id} saved\n" }
package Counter;
my $instance;
sub instance { $instance ||= bless { n => 0 }, __PACKAGE__ }
sub DESTROY { print "counter destroyed n=$_[0]{n}\n" }
package Logger;
sub new { bless { id => $_[1] }, $_[0] }
sub DESTROY { print "logger $_[0]{id} destroyed\n" }
package main;
# (One at a time: the order in which perl destroys several is its own.)
print "Content-type: text/plain\n\n";
my $case = $ENV{QUERY_STRING} % 3;
my $s = $case == 0 ? Session->new($ENV{QUERY_STRING}) : { id => 'none' };
sub current { return $s->{id} }
Counter->instance->{n}++ if $case == 1;
my $log = $case == 2 ? Logger->new($ENV{QUERY_STRING}) : undef;
$SIG{__WARN__} = sub { print "warn via $log->{id}: @_" } if $log;
print "body ", current(), "\n";
