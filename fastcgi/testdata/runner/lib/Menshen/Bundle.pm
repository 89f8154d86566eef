package Menshen::Bundle;
# A module that, as it loads, makes a temp file it keeps for the process's
# life (File::Temp removes it at exit) and registers two more names in
# %INC: one for a package it carries (= __FILE__), one stubbed (= 1).
use strict;
use File::Temp qw(tempfile);
our ($FH, $TEMP) = tempfile(UNLINK => 1);
print $FH "kept for the process\n";
close $FH;
sub temp { $TEMP }
$INC{'Menshen/Bundle/Extra.pm'} = __FILE__;
$INC{'Menshen/Stubbed.pm'} = 1;

package Menshen::Bundle::Extra;
sub hello { 'extra' }

package Menshen::Stubbed;
sub hi { 'stub' }

1;
