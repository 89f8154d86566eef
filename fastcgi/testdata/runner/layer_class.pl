#!/usr/bin/perl
# A layer on STDOUT whose class is the script's own: a PerlIO::via filter
# that holds what it is given until the flush (?via), an Encode class
# written in Perl used as an :encoding (?enc). Each calls its class as
# the output is flushed, at the script's end.
package My::Upper;
sub PUSHED { my $buf = ''; bless \$buf, $_[0] }
sub WRITE { my ($self, $b) = @_; $$self .= uc $b; length $b }
sub FLUSH { my ($self, $fh) = @_; print $fh $$self if length $$self; $$self = ''; 0 }

package My::Rot13;
use parent 'Encode::Encoding';
__PACKAGE__->Define('menshen-rot13');
sub encode { my ($self, $s, $chk) = @_; (my $t = $s) =~ tr/A-Za-z/N-ZA-Mn-za-m/; $_[1] = '' if $chk; $t }
sub decode { my ($self, $s, $chk) = @_; (my $t = $s) =~ tr/A-Za-z/N-ZA-Mn-za-m/; $_[1] = '' if $chk; $t }

package main;
print "Content-Type: text/plain\n\n";
binmode(STDOUT, ':via(My::Upper)') if $ENV{QUERY_STRING} =~ /via/;
binmode(STDOUT, ':encoding(menshen-rot13)') if $ENV{QUERY_STRING} =~ /enc/;
print "Hello World, request $ENV{QUERY_STRING}\n";
