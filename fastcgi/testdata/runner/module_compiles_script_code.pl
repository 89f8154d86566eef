#!/usr/bin/perl
# A module evaluates, at run time, code the script builds, for a package
# whose name the script builds too: the package is the script's, and the
# first user's data in it is gone for the next user.
use strict;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::Compiler;
my $P = join '', 'Owner', 'Data';
Menshen::Compiler::compile("package $P; our \$owner; sub set { \$owner = \$_[1] } sub get { \$owner } 1;");
$P->set('alice') if $ENV{QUERY_STRING} eq '0';
print "Content-Type: text/plain\n\n";
print "owner=", ($P->get // 'none'), "\n";
