# A configuration file in Perl, read with `do` on every request (gitweb's
# GITWEB_CONFIG): it sets the script's globals.
$title = "from the config";
@items = (1, 2, 3);
$loads++;
1;
