# A library without a package line (compiled into main) and with one.
our $lib_loads;
$lib_loads++;
sub greet { return "hello, $_[0]" }
package Util;
our $loads;
$loads++;
1;
