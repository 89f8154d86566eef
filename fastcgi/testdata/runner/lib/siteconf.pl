# A Perl 4 configuration file, loaded with require by a name the script
# computes: it sets the script's globals and says that it ran.
$main::site_name = "My Shop";
@main::menu = ("home", "cart");
print "siteconf.pl ran\n";
1;
