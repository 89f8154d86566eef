package Menshen::Conf;
# A module's settings, with their values as it loads.
our $count = 0;
our $user = 'nobody';
our @list = ('x');
our %h = (k => 'v');
1;
