package AppMy::Cart;
# An application's own module that uses another (AppMy::Store, its base
# class), exports a function into main, and keeps an object of its own.
use strict;
use parent -norequire, 'AppMy::Store';
use AppMy::Store;
use Exporter 'import';
our @EXPORT = qw(cart);
our $CURRENT;
sub cart { $CURRENT ||= AppMy::Cart->new }
sub DESTROY { print "cart destroyed\n" }
1;
