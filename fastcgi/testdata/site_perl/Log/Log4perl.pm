package Log::Log4perl;
# Stand-in for Log::Log4perl's import (l4p_easy_import.pl): it notes each
# package it served in %IMPORT_CALLED and serves it no more, and exports
# the level variables ($DEBUG, $INFO...) by glob assignment and the
# :easy functions (DEBUG, INFO...), as Log/Log4perl.pm does.
use strict;
our %IMPORT_CALLED;
our $EASY_CLOSURES = {};
our %LEVELS = (DEBUG => 10000, INFO => 20000, WARN => 30000);
our @LINES;
sub import {
    my ($class, @tags) = @_;
    my $caller = caller();
    return 1 if $IMPORT_CALLED{$caller}++;
    no strict 'refs';
    for my $name (keys %LEVELS) {
        my $value = $LEVELS{$name};
        *{"${caller}::$name"} = \$value;
        my $lc = lc $name;
        $EASY_CLOSURES->{$caller}{$name} = 1;
        *{"${caller}::$name"} = sub { push @LINES, "$lc @_" };
    }
}
1;
