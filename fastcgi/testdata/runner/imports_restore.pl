#!/usr/bin/perl
# Many imported names (subs, constants) and `use vars` globals that a
# request fills: auto keeps registry, every request starts from the state
# after compilation (the light globals are put back by the check that
# visits them, as the data a request puts under an imported sub's name),
# and the same bytes come out as from a new process.
use strict;
use warnings;
use Fcntl qw(:flock :mode O_RDONLY SEEK_SET);
use POSIX qw(floor ceil);
use List::Util qw(sum max);
use constant DEBUG => 0;
use constant LABEL => 'hits';
use vars qw($hits @seen %opt $last);
$hits++;
push @seen, $ENV{QUERY_STRING};
$opt{ $ENV{QUERY_STRING} } = LOCK_EX | O_RDONLY;
$last = floor(7.5) + ceil(0.5) + sum(1, 2) + max(3, 4) + SEEK_SET + (S_ISDIR(S_IFDIR) ? 1 : 0);
{
    # The scalar, array and hash of imported subs' names, made by name at
    # run time.
    no strict 'refs';
    ${'main::floor'} .= 'x';
    push @{'main::ceil'}, 'y';
    ${'main::sum'}{ $ENV{QUERY_STRING} } = 1;
}
print "Content-Type: text/plain\n\n";
print LABEL, "=$hits seen=@seen opt=", join(',', map { "$_:$opt{$_}" } sort keys %opt), " last=$last debug=", DEBUG, " floor=", do { no strict "refs"; ${"main::floor"} . " ceil=@{'main::ceil'} sum=" . join(',', sort keys %{'main::sum'}) }, "\n";
