package AppMy::Templates;
# An application's own module with its templates after __DATA__, read
# one per call (app_module_data.pl).
use strict;
sub next_template {
    my $t = <DATA>;
    return defined $t ? $t : "(no more templates)\n";
}
1;
__DATA__
<h1>Welcome</h1>
<h1>Second</h1>
