package Menshen::Indirect;
# A module with exec and system in their indirect object forms (as
# IPC::Run has): it must compile and run in the runner as in perl.
use strict;
use warnings;

sub run_block {
    my ($prog, @args) = @_;
    return system { $prog } @args;
}

sub run_var {
    my ($prog, @args) = @_;
    return system $prog @args;
}

sub exec_in_child {
    my ($prog, @args) = @_;
    my $pid = fork;
    if (defined $pid && $pid == 0) {
        require POSIX;
        exec { $prog } @args or POSIX::_exit(127);
    }
    waitpid($pid, 0);
    return $?;
}

1;
