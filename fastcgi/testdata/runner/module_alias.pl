#!/usr/bin/perl
# module_alias.pl: the script makes its own names for a module's
# variables, a glob alias (*List = *Menshen::ExportVar::List) and a
# reference alias under another name built at run time, and writes single
# elements of the module's hash and array by their full names. A new
# process finds the module's values every time: the runner must neither
# empty the module's variables as if they were the script's nor keep what
# a request wrote into them.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Menshen::ExportVar ();
my ($n) = ($ENV{QUERY_STRING} // '') =~ /(\d+)/;
$n //= 0;
our (@List, %t);
*List = *Menshen::ExportVar::List;
{
    no strict 'refs';
    my $pkg = join '::', 'Menshen', 'ExportVar';
    *t = \%{"${pkg}::Table"};
}
print "Content-Type: text/plain\n\n";
print "list=@List table=", join(',', map { "$_=$t{$_}" } sort keys %t), "\n";
$Menshen::ExportVar::Table{"k$n"} = $n;
$Menshen::ExportVar::List[0] = "x$n";
print "after=", join(',', sort keys %Menshen::ExportVar::Table), " $Menshen::ExportVar::List[0]\n";
