package Menshen::SigIgnore;
# Sets signal dispositions as it loads, as some modules do.
$SIG{PIPE} = 'IGNORE';
1;
