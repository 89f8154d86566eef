#!/usr/bin/perl
# A format made by a string eval once per process, over that request's
# lexical: a new process makes it with its own request's $user.
my $user = $ENV{QUERY_STRING};
print "Content-Type: text/plain\n\n";
eval "format ROW =\nuser: \@<<<<<<<<<\n\$user\n.\n1" or die $@ unless defined *ROW{FORMAT};
$~ = 'ROW';
write;
