#!/usr/bin/perl
# File-scope lexicals named in string evals at the end of the run (an END
# block, a destructor) and in a BEGIN block: as in a script file.
use strict;
use warnings;
my $x = 1;
my @list = (1, 2);
BEGIN { eval qq{#line 1 "begin"\n\$x; \@list; 1} or print STDERR $@ }
package Obj { sub new { bless {}, shift } sub DESTROY { my $v = eval qq{#line 1 "destroy"\n\$x}; print STDERR "destroy: ", $v // 'undef', "\n" } }
my $obj = Obj->new;
END { my $v = eval qq{#line 1 "end"\n\$x}; print STDERR "end: ", $v // 'undef', "\n" }
print "Content-Type: text/plain\n\n";
print "x=$x\n";
