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

# And for its configuration and mapped diagnostic context
# (l4p_init_once.pl): init_once configures only while
# $Log::Log4perl::Logger::INITIALIZED is unset; Log::Log4perl::MDC->put
# keeps a value in %MDC_HASH until it is put again.
our $LEVEL;
sub init { my ($class, $level) = @_; $LEVEL = $level; $Log::Log4perl::Logger::INITIALIZED = 1 }
sub init_once { return if $Log::Log4perl::Logger::INITIALIZED; shift->init(@_) }
sub level { $LEVEL }

package Log::Log4perl::Logger;
our $INITIALIZED = 0;

package Log::Log4perl::MDC;
our %MDC_HASH = ();
sub put { $MDC_HASH{ $_[1] } = $_[2] }
sub get { $MDC_HASH{ $_[1] } }
1;
