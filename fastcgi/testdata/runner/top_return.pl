#!/usr/bin/perl
# A top-level return is a run-time error in a script file ("Can't return
# outside a subroutine", status 255, seen by END); return from an eval
# block or a sub is fine. The script's top level runs in void context.
print "Content-Type: text/plain\n\n";
print "want=", (defined wantarray ? (wantarray ? 'list' : 'scalar') : 'undef'), "\n";
print "args=", scalar(@_), "\n";
my $v = eval { return "from eval" };
sub f { return "from sub" }
print "$v, ", f(), "\n";
return if ($ENV{QUERY_STRING} || '') eq 'ret';
print "not returned\n";
END { print "END ?=$?\n"; }
