# A library read with `do` that defines a sub and counts its loads.
sub helper { return "helped" }
$dosubs_loads++;
1;
