package Menshen::ReqTable;
# Loaded at run time by require_module_table.pl: tables filled as it
# loads, which its own subs read.
our %CODES = (de => "Germany", fr => "France");
our @ORDER = ("de", "fr");
sub country { return $CODES{ $_[0] } || "unknown" }
1;
