# A library that only prints, loaded through Module::Load.
print "banner.pl ran\n";
1;
